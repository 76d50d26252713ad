import type { Http } from './http.js';
import type { Page, ValidationResult, Workflow, WorkflowSummary } from './types.js';

/** `GET /workFlow`: one page of the org's workflows, most recently changed first. */
export async function listWorkflows(http: Http, q: { page: number; limit: number }, signal?: AbortSignal): Promise<Page<WorkflowSummary>> {
  const body = await http.get<{ workflows: WorkflowSummary[]; total: number; page: number; limit: number; pages: number }>(`/workFlow?page=${q.page}&limit=${q.limit}`, signal);
  return { items: body.workflows, total: body.total, page: body.page, limit: body.limit, pages: body.pages };
}

/** `GET /workFlow/:id`: the workflow with the steps of its latest version (or of `version`). */
export function getWorkflow(http: Http, id: string, version?: number, signal?: AbortSignal): Promise<Workflow> {
  return http.get<Workflow>(`/workFlow/${encodeURIComponent(id)}${version ? `?version=${version}` : ''}`, signal);
}

/** `POST /workFlow/:id/validate`: what is wrong with the latest version, by step where the error names one. */
export async function validateWorkflow(http: Http, id: string, signal?: AbortSignal): Promise<ValidationResult> {
  const body = await http.post<ValidationResult>(`/workFlow/${encodeURIComponent(id)}/validate`, {}, signal);
  return { valid: body.valid, errors: body.errors ?? [] };
}
