import { createEvent, ids, TOPICS, type EventOf } from '@botwot/shared/events';
import type { Handler, Outgoing } from '@botwot/shared/kafka';
import type { ClaimRecord } from '../claims.js';
import type { OrchestratorDeps } from './index.js';

/**
 * Starts every active workflow of the org whose trigger matches, once per trigger event: a second
 * publish of the same event id starts nothing new (its claim is held by the first).
 */
export function createTriggerReceivedHandler(deps: OrchestratorDeps): Handler<EventOf<'trigger.received'>, ClaimRecord> {
  return async (event, ctx) => {
    const matches = await deps.workflows.activeWithTrigger(event.orgId, event.data.triggerType, event.data.channelId);
    ctx.logger.info({ eventId: event.eventId, matches: matches.length }, 'trigger event matched workflows');
    const outgoing = matches.map((m): Outgoing => {
      const executionId = ids.executionForTrigger(event.orgId, event.eventId, m.workflowId);
      return {
        topic: TOPICS.executionRequested,
        key: executionId,
        event: createEvent('execution.requested', {
          orgId: event.orgId,
          executionId,
          eventId: ids.requestedEvent(executionId),
          data: { workflowId: m.workflowId, version: m.version, userId: m.userId, mode: 'live', triggerData: event.data.data },
        }),
      };
    });
    return { outgoing, records: [{ key: ids.triggerClaim(event.orgId, event.eventId) }] };
  };
}
