import { utcDay } from './execution-pages.js';

const DAY_MS = 86_400_000;

/**
 * The UTC days whose records are past `retentionDays`, newest first, looking back `lookbackDays`
 * further: clean-ups delete by `{ day }`, an equality the database answers from an index, rather
 * than by a time range it would scan.
 */
export function expiredDays(now: number, retentionDays: number, lookbackDays = 30): string[] {
  const days: string[] = [];
  for (let d = retentionDays; d < retentionDays + lookbackDays; d++) days.push(utcDay(now - d * DAY_MS));
  return days;
}

/** The first moment kept: midnight UTC of the oldest day inside `retentionDays`. */
export function retainedFrom(now: number, retentionDays: number): Date {
  return new Date(`${utcDay(now - (retentionDays - 1) * DAY_MS)}T00:00:00.000Z`);
}

/** Deletes the records of every expired day from one collection (narrowed by `where`); returns how many went. */
export async function deleteExpiredDays(
  collection: { deleteMany(filter: { day: string }): Promise<{ deletedCount?: number }> },
  opts: { now: number; retentionDays: number; lookbackDays?: number; where?: Record<string, unknown> },
): Promise<number> {
  let deleted = 0;
  for (const day of expiredDays(opts.now, opts.retentionDays, opts.lookbackDays)) deleted += (await collection.deleteMany({ ...opts.where, day })).deletedCount ?? 0;
  return deleted;
}
