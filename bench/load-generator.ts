/**
 * Open-loop load: request i is due at start + i/rate and is sent then, whether or not earlier ones have
 * answered, the way independent users arrive. Only the number of unanswered requests is bounded; a
 * request due while the bound is reached is skipped and counted, never delayed (delaying it would turn
 * the load closed-loop and hide the system's slowness, the "coordinated omission" of closed-loop tools).
 */

/** What the API answered to one execute request. */
export type SendOutcome =
  | { kind: 'accepted'; executionId: string }
  /** the server answered, but not with 202 (429, 5xx, ...) */
  | { kind: 'refused'; status: number; code: string | undefined }
  /** no answer: connection error or timeout */
  | { kind: 'error'; message: string };

export interface SentRequest {
  seq: number;
  /** when it was due, ms since the epoch */
  dueAtMs: number;
  /** when it was sent (undefined: skipped at the outstanding bound) */
  sentAtMs: number | undefined;
  answeredAtMs?: number;
  outcome?: SendOutcome;
}

/** How many requests are due `elapsedMs` after the start at `rate`/s: request i is due at i·1000/rate ms. */
export function dueCount(elapsedMs: number, rate: number, total: number): number {
  if (elapsedMs < 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * rate) / 1000 + 1e-9) + 1);
}

export interface LoadCounts {
  due: number;
  sent: number;
  accepted: number;
  refused: number;
  errors: number;
  skipped: number;
  outstanding: number;
}

export interface OpenLoopRun {
  /** the schedule's start, ms since the epoch */
  readonly startMs: number;
  readonly requests: readonly SentRequest[];
  counts(): LoadCounts;
  /** resolves when the last request is due and has been sent or skipped */
  readonly scheduleDone: Promise<void>;
  /** resolves when every sent request has its answer */
  answered(): Promise<void>;
}

/** A precise "now" in ms since the epoch (fractions of a ms), so latencies are not rounded twice. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** Starts sending `rate` requests a second for `durationS` seconds through `send`. */
export function runOpenLoop(opts: {
  rate: number;
  durationS: number;
  maxOutstanding: number;
  send: (seq: number) => Promise<SendOutcome>;
}): OpenLoopRun {
  const total = Math.max(1, Math.round(opts.rate * opts.durationS));
  const startMs = nowMs();
  const requests: SentRequest[] = [];
  const c = { sent: 0, accepted: 0, refused: 0, errors: 0, skipped: 0, outstanding: 0 };
  const inFlight = new Set<Promise<void>>();

  const fire = (seq: number) => {
    const dueAtMs = startMs + (seq * 1000) / opts.rate;
    if (c.outstanding >= opts.maxOutstanding) {
      c.skipped++;
      requests.push({ seq, dueAtMs, sentAtMs: undefined });
      return;
    }
    const r: SentRequest = { seq, dueAtMs, sentAtMs: nowMs() };
    requests.push(r);
    c.sent++;
    c.outstanding++;
    const p = opts
      .send(seq)
      .catch((e: unknown): SendOutcome => ({ kind: 'error', message: (e as Error).message }))
      .then((outcome) => {
        r.answeredAtMs = nowMs();
        r.outcome = outcome;
        c.outstanding--;
        if (outcome.kind === 'accepted') c.accepted++;
        else if (outcome.kind === 'refused') c.refused++;
        else c.errors++;
        inFlight.delete(p);
      });
    inFlight.add(p);
  };

  const scheduleDone = new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const due = dueCount(nowMs() - startMs, opts.rate, total);
      while (next < due) fire(next++);
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, startMs + (next * 1000) / opts.rate - nowMs()));
    };
    tick();
  });

  return {
    startMs,
    requests,
    counts: () => ({ due: requests.length, ...c }),
    scheduleDone,
    answered: async () => {
      await scheduleDone;
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
