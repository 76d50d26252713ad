/** Second-by-second figures of a run, for the plot: what was sent, what ended, and how long it took. */
import { percentile } from './percentiles.js';

/** One execution that ended: when (ms since the epoch) and after how long since its request was sent. */
export interface EndPoint {
  endedAtMs: number;
  latencyMs: number;
}

export interface Second {
  /** seconds since the load started; this bucket holds [t, t + 1) */
  t: number;
  /** execute requests sent in this second */
  sent: number;
  /** executions that ended in this second (their completedAt) */
  ended: number;
  /** latency percentiles of the executions that ended in this second; NaN when none did */
  p50: number;
  p99: number;
}

/**
 * Buckets the run into whole seconds from `startMs`, up to the last second anything happened in (at most
 * `maxSeconds`). Executions are bucketed by the second they ended in, so a backlog shows as rising latency.
 */
export function perSecond(startMs: number, sentAtMs: readonly number[], ends: readonly EndPoint[], maxSeconds = 3_600): Second[] {
  const sec = (ms: number) => Math.floor((ms - startMs) / 1000);
  const inRange = (s: number) => s >= 0 && s < maxSeconds;
  let last = -1;
  for (const ms of sentAtMs) if (inRange(sec(ms))) last = Math.max(last, sec(ms));
  for (const e of ends) if (inRange(sec(e.endedAtMs))) last = Math.max(last, sec(e.endedAtMs));
  const sent = new Array<number>(last + 1).fill(0);
  const latencies = Array.from({ length: last + 1 }, () => [] as number[]);
  for (const ms of sentAtMs) if (inRange(sec(ms))) sent[sec(ms)]! += 1;
  for (const e of ends) if (inRange(sec(e.endedAtMs))) latencies[sec(e.endedAtMs)]!.push(e.latencyMs);
  return latencies.map((l, t) => {
    const sorted = l.sort((a, b) => a - b);
    return { t, sent: sent[t] ?? 0, ended: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  });
}
