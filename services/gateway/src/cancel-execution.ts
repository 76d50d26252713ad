import { createEvent, ids, TOPICS } from '@botwot/shared/events';
import type { EventPublisher } from '@botwot/shared/kafka';
import type { Caller } from './auth.js';
import { ApiError, notFound } from './errors.js';
import type { ExecutionStore } from './stores/execution-store.js';

/**
 * Asks the orchestrator to stop a running execution: it ends as `cancelled`, no further step
 * starts, and a step already running may finish (its log row says so). An ended execution
 * cannot be cancelled (409).
 */
export function createExecutionCanceller(deps: { executions: ExecutionStore; publisher: EventPublisher }) {
  return async (req: { caller: Caller; executionId: string; reason?: string | undefined }): Promise<void> => {
    const execution = await deps.executions.get(req.caller.orgId, req.executionId);
    if (!execution) throw notFound('execution');
    if (execution.status !== 'running') throw new ApiError(409, 'EXECUTION_ENDED', `the execution has already ended (${execution.status})`);
    const event = createEvent('execution.cancel_requested', {
      orgId: req.caller.orgId,
      executionId: req.executionId,
      eventId: ids.cancelRequestedEvent(req.executionId),
      data: {
        workflowId: execution.workflowId,
        version: execution.version,
        userId: req.caller.userId,
        startedAt: execution.startedAt.toISOString(),
        ...(req.reason ? { reason: req.reason } : {}),
      },
    });
    await deps.publisher.publish([{ topic: TOPICS.executionRequested, key: req.executionId, event }]);
  };
}
export type ExecutionCanceller = ReturnType<typeof createExecutionCanceller>;
