import { stepDefinitionSchema, type StepDefinition } from '../events/index.js';
import type { Models, WorkflowDoc } from './models.js';

export interface WorkflowVersion {
  workflow: WorkflowDoc & { _id: string };
  version: number;
  steps: StepDefinition[];
}

/** Reads one version of an org's workflow with its steps in order; null when the org has no such workflow or version. */
export async function readWorkflowVersion(
  models: Models,
  q: { orgId: string; workflowId: string; version?: number },
): Promise<WorkflowVersion | null> {
  const workflow = await models.Workflow.findOne({ _id: q.workflowId, orgId: q.orgId }).lean<WorkflowDoc & { _id: string }>();
  if (!workflow) return null;
  const version = q.version ?? workflow.latestVersion;
  const rows = await models.WorkflowStep.find({ workflowId: q.workflowId, orgId: q.orgId, version }).sort({ position: 1 }).lean();
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
  return { workflow, version, steps };
}
