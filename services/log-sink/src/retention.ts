import { deleteExpiredDays, retainedFrom, type Models } from '@botwot/shared/db';
import type { Logger } from '@botwot/shared/observability';

/**
 * Deletes executions and their step logs whose start day is past `retentionDays`, a day at a time
 * by the indexed `day` key. Running executions stay (the deadline sweeper ends them first). Every
 * workflow's counters learn the first moment still kept, so list totals and pages count from there.
 * Safe in every replica at once: deletes and `$max` repeat without harm.
 *
 * The first sweep of a process looks back three years past the window (so turning retention on
 * reaches old history); later ones only the few days that expired since, one indexed delete each.
 */
export function createRetentionSweep(deps: { models: Models; retentionDays: number; logger: Logger; now?: () => number }) {
  const now = deps.now ?? Date.now;
  let lookbackDays = 3 * 366;
  return async function sweep(): Promise<{ executions: number; logs: number }> {
    const at = now();
    const opts = { now: at, retentionDays: deps.retentionDays, lookbackDays };
    const executions = await deleteExpiredDays(deps.models.Execution.collection as never, { ...opts, where: { status: { $ne: 'running' } } });
    const logs = await deleteExpiredDays(deps.models.ExecutionLog.collection as never, opts);
    await deps.models.ExecutionStats.collection.updateMany({}, { $max: { retainedFrom: retainedFrom(at, deps.retentionDays) } });
    lookbackDays = 3;
    if (executions + logs > 0) deps.logger.info({ executions, logs, retentionDays: deps.retentionDays }, 'deleted executions past their retention');
    return { executions, logs };
  };
}
