import { stepDefinitionSchema, type StepDefinition } from '../events/index.js';
import type { Models, WorkflowDoc, WorkflowStepDoc } from './models.js';

export interface WorkflowVersion {
  workflow: WorkflowDoc & { _id: string };
  version: number;
  steps: StepDefinition[];
}

/** A version's steps never change once written: readers keep the recent ones (least recently used go first). */
export class StepsCache {
  private readonly entries = new Map<string, StepDefinition[]>();
  constructor(private readonly maxEntries = 1_000) {}
  get(workflowId: string, version: number): StepDefinition[] | undefined {
    const key = `${workflowId}:${version}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }
  set(workflowId: string, version: number, steps: StepDefinition[]): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(`${workflowId}:${version}`, steps);
  }
}

/**
 * Reads one version of an org's workflow with its steps in order; null when the org has no such
 * workflow or version. The workflow document is read every time (its status and latest version
 * change); the steps come from `cache` when given.
 */
export async function readWorkflowVersion(
  models: Models,
  q: { orgId: string; workflowId: string; version?: number },
  cache?: StepsCache,
): Promise<WorkflowVersion | null> {
  // the driver's collection, not a mongoose query: this runs on every execute, and mongoose's
  // query machinery cost more than the lookup itself in the gateway's profile
  const workflow = (await models.Workflow.collection.findOne({ _id: q.workflowId, orgId: q.orgId } as never)) as (WorkflowDoc & { _id: string }) | null;
  if (!workflow) return null;
  const version = q.version ?? workflow.latestVersion;
  if (version > workflow.latestVersion) return null;
  const cached = cache?.get(q.workflowId, version);
  if (cached) return { workflow, version, steps: cached };
  const rows = ((await models.WorkflowStep.collection.find({ workflowId: q.workflowId, orgId: q.orgId, version } as never).toArray()) as unknown as WorkflowStepDoc[]).sort((a, b) => a.position - b.position);
  if (rows.length === 0 && version !== workflow.latestVersion) return null;
  const steps = rows.map((r) =>
    stepDefinitionSchema.parse({
      stepId: r.stepId,
      stepType: r.stepType,
      config: r.config ?? {},
      nextStepId: r.nextStepId ?? undefined,
      routes: r.routes ?? undefined,
      onFailureStepId: r.onFailureStepId ?? undefined,
      timeoutMs: r.timeoutMs ?? undefined,
      retry: r.retry ?? undefined,
    }),
  );
  if (rows.length > 0) cache?.set(q.workflowId, version, steps);
  return { workflow, version, steps };
}
