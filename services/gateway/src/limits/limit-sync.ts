import type { Logger } from '@botwot/shared/observability';
import type { LimitReport, OrgLimiter } from './org-limiter.js';

/** Where replicas leave their reports: one document per replica, replaced on every sync. */
export interface LimitStore {
  publish(replicaId: string, at: Date, report: LimitReport): Promise<void>;
  /** every replica's latest report with the time it was written */
  readAll(): Promise<{ replicaId: string; at: Date; report: LimitReport }[]>;
  remove(replicaId: string): Promise<void>;
  removeOlderThan(at: Date): Promise<void>;
}

/**
 * Every `intervalMs`: write this replica's report when it changed (and, while it holds anything,
 * at least every quarter of `staleAfterMs` as a heartbeat), read the others', hand them to the
 * limiter. Reports older than `staleAfterMs` no longer count (a replica that stopped). When the
 * database is out of reach each replica goes on limiting alone.
 */
export function startLimitSync(opts: { limiter: OrgLimiter; store: LimitStore; replicaId: string; intervalMs: number; logger: Logger; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const staleAfterMs = Math.max(2_000, opts.intervalMs * 8);
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;
  let stopped = false;
  let published = '';
  let publishedAt = 0;
  let rounds = 0;
  let lastWarning = 0;

  const once = async () => {
    const t = now();
    const report = opts.limiter.report();
    const text = JSON.stringify(report);
    const empty = report.counts.length === 0 && report.waits.length === 0 && (report.streams ?? []).length === 0;
    if (text !== published || (!empty && t - publishedAt >= staleAfterMs / 4)) {
      await opts.store.publish(opts.replicaId, new Date(t), report);
      published = text;
      publishedAt = t;
    }
    const all = await opts.store.readAll();
    opts.limiter.applyRemote(all.filter((r) => r.replicaId !== opts.replicaId && r.at.getTime() >= t - staleAfterMs).map((r) => r.report));
    if (++rounds % 200 === 0) await opts.store.removeOlderThan(new Date(t - 10 * staleAfterMs));
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      round = once()
        .catch((error: unknown) => {
          if (now() - lastWarning > 30_000) {
            lastWarning = now();
            opts.logger.warn({ err: error }, 'rate-limit sync failed; limiting on this replica alone until it recovers');
          }
        })
        .finally(schedule);
    }, opts.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    /** one sync now (tests, and start-up so a new replica knows the others at once) */
    syncNow: () => once(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
      await opts.store.remove(opts.replicaId).catch(() => undefined);
    },
  };
}
