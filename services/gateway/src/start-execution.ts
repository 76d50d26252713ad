import { randomUUID } from 'node:crypto';
import { createEvent, ids, TOPICS, type EventOf, type ExecutionMode, type StepDefinition } from '@botwot/shared/events';
import type { Models } from '@botwot/shared/db';
import type { EventPublisher } from '@botwot/shared/kafka';
import { validateWorkflow } from '@botwot/shared/workflow';
import type { Caller } from './auth.js';
import { ApiError, notFound } from './errors.js';
import type { WorkflowStore } from './stores/workflow-store.js';

export interface StartRequest {
  caller: Caller;
  workflowId: string;
  triggerData: Record<string, unknown>;
  mode: ExecutionMode;
  /** a version to run; the latest when absent */
  version?: number | undefined;
  idempotencyKey?: string | undefined;
  retryOf?: EventOf<'execution.requested'>['data']['retryOf'];
}

/**
 * Checks that the caller's org owns an active, valid workflow, then publishes
 * `execution.requested`. With an idempotency key, a repeat returns the first executionId.
 */
export function createExecutionStarter(deps: { workflows: WorkflowStore; models: Models; publisher: EventPublisher }) {
  // a version's steps are cached and immutable, so is their validation
  const validations = new WeakMap<object, ReturnType<typeof validateWorkflow>>();
  const validationOf = (steps: StepDefinition[]) => {
    let v = validations.get(steps);
    if (!v) validations.set(steps, (v = validateWorkflow(steps)));
    return v;
  };
  return async (req: StartRequest): Promise<{ executionId: string; version: number; replayed: boolean }> => {
    const wf = await deps.workflows.get(req.caller.orgId, req.workflowId, req.version);
    if (!wf) throw notFound('workflow');
    if (wf.workflow.status === 'archived') throw new ApiError(409, 'WORKFLOW_ARCHIVED', 'workflow is archived; it cannot run');
    if (req.retryOf?.resumeStepId && !wf.steps.some((s) => s.stepId === req.retryOf?.resumeStepId)) {
      throw new ApiError(409, 'STEP_NOT_IN_VERSION', `version ${wf.version} has no step ${req.retryOf.resumeStepId} to resume from`);
    }
    const validation = validationOf(wf.steps);
    if (!validation.valid) throw new ApiError(400, 'INVALID_WORKFLOW', 'workflow is not valid; see details', validation.errors);

    let executionId: string = randomUUID();
    if (req.idempotencyKey) {
      const key = `${req.caller.orgId}:${req.workflowId}:${req.idempotencyKey}`;
      try {
        await deps.models.ExecutionRequest.create({ _id: key, orgId: req.caller.orgId, executionId, workflowId: req.workflowId });
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
        const first = await deps.models.ExecutionRequest.findOne({ _id: key, orgId: req.caller.orgId }).lean();
        if (!first) throw error;
        // The first request may have failed before publishing: publishing again with the same id is harmless.
        executionId = first.executionId;
        await publish(executionId);
        return { executionId, version: wf.version, replayed: true };
      }
    }
    await publish(executionId);
    return { executionId, version: wf.version, replayed: false };

    async function publish(id: string) {
      const event = createEvent('execution.requested', {
        orgId: req.caller.orgId,
        executionId: id,
        eventId: ids.requestedEvent(id),
        data: {
          workflowId: req.workflowId,
          version: wf!.version,
          userId: req.caller.userId,
          mode: req.mode,
          triggerData: req.triggerData,
          ...(req.retryOf ? { retryOf: req.retryOf } : {}),
        },
      });
      await deps.publisher.publish([{ topic: TOPICS.executionRequested, key: id, event }]);
    }
  };
}
export type ExecutionStarter = ReturnType<typeof createExecutionStarter>;
