import type { Http } from './http.js';
import type { DateRange, Execution, ExecutionDetail, Page, RetryFrom, RetryVersion, StatusFilter } from './types.js';

export interface ExecutionFilter {
  status: StatusFilter;
  dateRange: DateRange;
  page: number;
  limit: number;
}

/** `GET /workFlow/:id/executions`: one page of a workflow's executions, newest first. */
export async function listExecutions(http: Http, workflowId: string, f: ExecutionFilter, signal?: AbortSignal): Promise<Page<Execution>> {
  const q = new URLSearchParams({ status: f.status, dateRange: f.dateRange, page: String(f.page), limit: String(f.limit) });
  const body = await http.get<{ executions: Execution[]; total: number; page: number; limit: number; pages: number }>(
    `/workFlow/${encodeURIComponent(workflowId)}/executions?${q}`,
    signal,
  );
  return { items: body.executions, total: body.total, page: body.page, limit: body.limit, pages: body.pages };
}

/** `GET /workFlow/execution/:id`: the execution and its step logs in step order. */
export async function getExecution(http: Http, executionId: string, signal?: AbortSignal): Promise<ExecutionDetail> {
  const body = await http.get<ExecutionDetail>(`/workFlow/execution/${encodeURIComponent(executionId)}`, signal);
  return { execution: body.execution, logs: body.logs ?? [] };
}

/** `POST /workFlow/execution/:id/retry`: starts a new execution; answers its id. */
export async function retryExecution(http: Http, executionId: string, opts: { from: RetryFrom; version: RetryVersion }): Promise<string> {
  const body = await http.post<{ executionId: string }>(`/workFlow/execution/${encodeURIComponent(executionId)}/retry`, opts);
  return body.executionId;
}

/** `POST /workFlow/execution/:id/cancel`: asks the engine to end a running execution as cancelled. */
export async function cancelExecution(http: Http, executionId: string, reason?: string): Promise<void> {
  await http.post(`/workFlow/execution/${encodeURIComponent(executionId)}/cancel`, reason ? { reason } : {});
}
