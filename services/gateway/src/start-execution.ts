import { randomUUID } from 'node:crypto';
import { createEvent, ids, TOPICS, type EventOf, type ExecutionMode, type StepDefinition } from '@botwot/shared/events';
import type { EventPublisher } from '@botwot/shared/kafka';
import { validateWorkflow } from '@botwot/shared/workflow';
import type { Caller } from './auth.js';
import { ApiError, notFound } from './errors.js';
import type { SenderCheck } from './sender-check.js';
import type { IdempotencyStore } from './stores/idempotency-store.js';
import type { WorkflowStore } from './stores/workflow-store.js';

export interface StartRequest {
  caller: Caller;
  workflowId: string;
  triggerData: Record<string, unknown>;
  mode: ExecutionMode;
  /** a version to run; the latest when absent */
  version?: number | undefined;
  /** an Idempotency-Key and the fingerprint of the request it came with */
  idempotency?: { key: string; fingerprint: string } | undefined;
  retryOf?: EventOf<'execution.requested'>['data']['retryOf'];
}

/**
 * Checks that the caller's org owns an active, valid workflow that sends only from the org's
 * senders, then publishes `execution.requested`. With an idempotency key, a repeat of the same
 * request returns the first executionId; the same key with another request is a 422.
 */
export function createExecutionStarter(deps: { workflows: WorkflowStore; keys: IdempotencyStore; senders: SenderCheck; publisher: EventPublisher }) {
  // a version's steps are cached and immutable, so is their validation
  const validations = new WeakMap<object, ReturnType<typeof validateWorkflow>>();
  const validationOf = (steps: StepDefinition[]) => {
    let v = validations.get(steps);
    if (!v) {
      v = validateWorkflow(steps);
      validations.set(steps, v);
    }
    return v;
  };
  return async (req: StartRequest): Promise<{ executionId: string; version: number; replayed: boolean }> => {
    const wf = await deps.workflows.get(req.caller.orgId, req.workflowId, req.version, 'recent');
    if (!wf) throw notFound('workflow');
    if (wf.workflow.status === 'archived') throw new ApiError(409, 'WORKFLOW_ARCHIVED', 'workflow is archived; it cannot run');
    if (req.retryOf?.resumeStepId && !wf.steps.some((s) => s.stepId === req.retryOf?.resumeStepId)) {
      throw new ApiError(409, 'STEP_NOT_IN_VERSION', `version ${wf.version} has no step ${req.retryOf.resumeStepId} to resume from`);
    }
    const validation = validationOf(wf.steps);
    const errors = [...validation.errors, ...(await deps.senders.problems(req.caller.orgId, wf.steps))];
    if (errors.length > 0) throw new ApiError(400, 'INVALID_WORKFLOW', 'workflow is not valid; see details', errors);

    const executionId: string = randomUUID();
    if (req.idempotency) {
      const claim = await deps.keys.claim({ orgId: req.caller.orgId, key: req.idempotency.key, fingerprint: req.idempotency.fingerprint, workflowId: req.workflowId, executionId, version: wf.version });
      if (claim.kind === 'conflict') {
        throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was first used with a different request (route, mode or body); send a new key for a new request');
      }
      if (claim.kind === 'replay') {
        // The first request may have failed before publishing: publishing again with the same id is harmless.
        await publish(claim.executionId, claim.version);
        return { executionId: claim.executionId, version: claim.version, replayed: true };
      }
    }
    await publish(executionId, wf.version);
    return { executionId, version: wf.version, replayed: false };

    async function publish(id: string, version: number) {
      const event = createEvent('execution.requested', {
        orgId: req.caller.orgId,
        executionId: id,
        eventId: ids.requestedEvent(id),
        data: {
          workflowId: req.workflowId,
          version,
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
