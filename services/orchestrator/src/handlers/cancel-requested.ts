import { createEvent, ids, TOPICS, type EventOf } from '@botwot/shared/events';
import type { Handler } from '@botwot/shared/kafka';
import type { ClaimRecord } from '../claims.js';
import { cancel } from '../execution/transitions.js';
import type { OrchestratorDeps } from './index.js';

/**
 * Ends an execution as cancelled and blocks every step it has not reached: the claim stage then
 * drops whatever a step still running would dispatch next, keeping only its log row.
 */
export function createCancelRequestedHandler(deps: OrchestratorDeps): Handler<EventOf<'execution.cancel_requested'>, ClaimRecord> {
  return async (event) => {
    const executionId = event.executionId as string;
    const { data } = event;
    const workflow = await deps.workflows.get({ orgId: event.orgId, workflowId: data.workflowId, version: data.version });
    const { cancelled, stepOrdersToBlock } = cancel({ request: data, workflow, now: deps.now() });
    const blocked: ClaimRecord[] = [{ key: ids.startClaim(executionId), block: 'cancel' }];
    for (let order = 0; order <= stepOrdersToBlock; order++) blocked.push({ key: ids.progressClaim(executionId, order), block: 'cancel' });
    return {
      outgoing: [
        {
          topic: TOPICS.executionEvents,
          key: data.workflowId,
          event: createEvent('execution.cancelled', { orgId: event.orgId, executionId, eventId: ids.cancelledEvent(executionId), data: cancelled }),
        },
      ],
      records: [{ key: ids.cancelClaim(executionId) }, ...blocked],
    };
  };
}
