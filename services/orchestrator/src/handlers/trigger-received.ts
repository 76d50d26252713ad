import { createHash } from 'node:crypto';
import { createEvent, TOPICS, type EventOf } from '@botwot/shared/events';
import type { Handler, Outgoing } from '@botwot/shared/kafka';
import type { OrchestratorDeps } from './index.js';

/** The execution id a trigger event gives one workflow: the same event always maps to the same id. */
export function executionIdForTrigger(orgId: string, eventId: string, workflowId: string): string {
  return `trg-${createHash('sha256').update(`${orgId}\0${eventId}\0${workflowId}`).digest('hex').slice(0, 32)}`;
}

/**
 * Starts every active workflow of the org whose trigger matches, once per trigger event: a second
 * publish of the same event id starts nothing new.
 */
export function createTriggerReceivedHandler(deps: OrchestratorDeps): Handler<EventOf<'trigger.received'>> {
  return async (event, ctx) => {
    const claim = await deps.claims.claim(`trigger:${event.orgId}:${event.eventId}`, `${ctx.topic}/${ctx.partition}/${ctx.offset}`);
    if (claim === 'duplicate') {
      ctx.logger.info({ eventId: event.eventId }, 'trigger event seen before; starting nothing');
      return [];
    }
    const matches = await deps.workflows.activeWithTrigger(event.orgId, event.data.triggerType, event.data.channelId);
    ctx.logger.info({ eventId: event.eventId, matches: matches.length }, 'trigger event matched workflows');
    return matches.map((m): Outgoing => {
      const executionId = executionIdForTrigger(event.orgId, event.eventId, m.workflowId);
      return {
        topic: TOPICS.executionRequested,
        key: executionId,
        event: createEvent('execution.requested', {
          orgId: event.orgId,
          executionId,
          eventId: `${executionId}:requested`,
          data: { workflowId: m.workflowId, version: m.version, userId: m.userId, mode: 'live', triggerData: event.data.data },
        }),
      };
    });
  };
}
