/**
 * The run's execution figures from what the load generator sent and what the event tap saw end:
 * throughput, latency, how many completed, failed or never ended. Pure, so it is tested on its own.
 */
import type { EndedExecution } from './event-tap.js';
import type { SentRequest } from './load-generator.js';
import { summarize, type LatencySummary } from './percentiles.js';
import type { EndPoint } from './timeline.js';

export interface ExecutionFigures {
  windowSeconds: number;
  /** requests due in the window, and what became of them */
  due: number;
  sent: number;
  accepted: number;
  refused: number;
  refusedBy: Record<string, number>;
  errors: number;
  errorsBy: Record<string, number>;
  skipped: number;
  /** how late the client sent each request after it was due: a loaded client shows here */
  sentLateMs: LatencySummary;
  /** executions (any, the warm-up's included) whose completedAt falls in the window */
  endedInWindow: number;
  /** endedInWindow per second of the window */
  throughput: number;
  /** of the window's accepted executions */
  completed: number;
  failed: number;
  failedBy: Record<string, number>;
  neverEnded: number;
  /** request sent → completedAt, of the window's executions that ended */
  latency: LatencySummary;
  /** the same, leaving out the executions with a BotCore call the slow knob delayed (when any was) */
  latencyNotSlowed: LatencySummary | undefined;
  slowedExecutions: number;
  /** warm-up requests (before the window), not in the figures above */
  warmupSent: number;
}

const bump = (m: Record<string, number>, key: string) => {
  m[key] = (m[key] ?? 0) + 1;
};

/** Every accepted request of the run that ended, as a point of the per-second timeline. */
export function endPoints(requests: readonly SentRequest[], ended: ReadonlyMap<string, EndedExecution>): EndPoint[] {
  const out: EndPoint[] = [];
  for (const r of requests) {
    if (r.outcome?.kind !== 'accepted' || r.sentAtMs === undefined) continue;
    const end = ended.get(r.outcome.executionId);
    if (end) out.push({ endedAtMs: end.completedAtMs, latencyMs: end.completedAtMs - r.sentAtMs });
  }
  return out;
}

export function executionFigures(opts: {
  requests: readonly SentRequest[];
  ended: ReadonlyMap<string, EndedExecution>;
  window: { fromMs: number; toMs: number };
  /** seq numbers of requests whose execution had a slowed BotCore call; undefined when the knob was off */
  slowedSeqs: ReadonlySet<number> | undefined;
}): ExecutionFigures {
  const { fromMs, toMs } = opts.window;
  const windowSeconds = (toMs - fromMs) / 1000;
  const inWindow = opts.requests.filter((r) => r.dueAtMs >= fromMs && r.dueAtMs < toMs);
  const f = {
    refusedBy: {} as Record<string, number>,
    errorsBy: {} as Record<string, number>,
    failedBy: {} as Record<string, number>,
    sent: 0, accepted: 0, refused: 0, errors: 0, skipped: 0, completed: 0, failed: 0, neverEnded: 0, slowed: 0,
  };
  const late: number[] = [];
  const latency: number[] = [];
  const latencyNotSlowed: number[] = [];
  for (const r of inWindow) {
    if (r.sentAtMs === undefined) {
      f.skipped++;
      continue;
    }
    f.sent++;
    late.push(r.sentAtMs - r.dueAtMs);
    const o = r.outcome;
    if (!o) continue; // not answered yet: the caller waits for every answer first
    if (o.kind === 'refused') {
      f.refused++;
      bump(f.refusedBy, o.code ? `${o.status} ${o.code}` : String(o.status));
      continue;
    }
    if (o.kind === 'error') {
      f.errors++;
      bump(f.errorsBy, o.message.slice(0, 100));
      continue;
    }
    f.accepted++;
    const end = opts.ended.get(o.executionId);
    if (!end) {
      f.neverEnded++;
      continue;
    }
    if (end.status === 'completed') f.completed++;
    else {
      f.failed++;
      bump(f.failedBy, end.errorCode ?? 'unknown');
    }
    const ms = end.completedAtMs - r.sentAtMs;
    latency.push(ms);
    const slowed = opts.slowedSeqs?.has(r.seq) ?? false;
    if (slowed) f.slowed++;
    else latencyNotSlowed.push(ms);
  }
  let endedInWindow = 0;
  for (const e of opts.ended.values()) if (e.completedAtMs >= fromMs && e.completedAtMs < toMs) endedInWindow++;
  return {
    windowSeconds,
    due: inWindow.length,
    sent: f.sent,
    accepted: f.accepted,
    refused: f.refused,
    refusedBy: f.refusedBy,
    errors: f.errors,
    errorsBy: f.errorsBy,
    skipped: f.skipped,
    sentLateMs: summarize(late),
    endedInWindow,
    throughput: windowSeconds > 0 ? endedInWindow / windowSeconds : Number.NaN,
    completed: f.completed,
    failed: f.failed,
    failedBy: f.failedBy,
    neverEnded: f.neverEnded,
    latency: summarize(latency),
    latencyNotSlowed: opts.slowedSeqs ? summarize(latencyNotSlowed) : undefined,
    slowedExecutions: f.slowed,
    warmupSent: opts.requests.filter((r) => r.dueAtMs < fromMs && r.sentAtMs !== undefined).length,
  };
}
