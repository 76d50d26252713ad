import { createEvent, ids, TOPICS } from '@botwot/shared/events';
import type { Models } from '@botwot/shared/db';
import type { EventPublisher } from '@botwot/shared/kafka';
import type { Logger, Metrics } from '@botwot/shared/observability';

/**
 * Fails executions still `running` past their deadline (plus a grace period), by publishing
 * `execution.failed` with a timeout error onto the execution-events topic, which this service then
 * records like any other ending. The query is an equality on `status` (an index lookup); the
 * deadline is compared on the running executions it returns. Safe to run in every instance at once: the event id is fixed per
 * execution and an execution that has already ended keeps its first ending.
 */
export function createDeadlineSweeper(deps: { models: Models; publisher: EventPublisher; logger: Logger; metrics?: Metrics; graceMs: number; batchSize: number; now?: () => number }) {
  const now = deps.now ?? Date.now;
  return async function sweep(): Promise<number> {
    const cutoff = new Date(now() - deps.graceMs);
    const overdue = await deps.models.Execution.find({ status: 'running', deadlineAt: { $lt: cutoff } })
      .select({ _id: 1, orgId: 1, workflowId: 1, startedAt: 1, deadlineAt: 1 })
      .limit(deps.batchSize)
      .lean();
    deps.metrics?.executionsOverdue.set(overdue.length);
    if (overdue.length === 0) return 0;
    const at = now();
    await deps.publisher.publish(
      overdue.map((e) => ({
        topic: TOPICS.executionEvents,
        key: e.workflowId,
        event: createEvent('execution.failed', {
          orgId: e.orgId,
          executionId: String(e._id),
          eventId: ids.deadlineEvent(String(e._id)),
          data: {
            workflowId: e.workflowId,
            error: { code: 'EXECUTION_TIMEOUT', kind: 'non_retryable', message: `execution did not end by its deadline ${e.deadlineAt?.toISOString() ?? ''}` },
            completedAt: new Date(at).toISOString(),
            totalDurationMs: Math.max(0, at - e.startedAt.getTime()),
          },
        }),
      })),
    );
    for (const e of overdue) deps.logger.warn({ executionId: String(e._id), orgId: e.orgId, workflowId: e.workflowId, deadlineAt: e.deadlineAt }, 'failed an execution past its deadline');
    return overdue.length;
  };
}
