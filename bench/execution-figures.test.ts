import { describe, expect, it } from 'vitest';
import type { EndedExecution } from './event-tap.js';
import { endPoints, executionFigures } from './execution-figures.js';
import type { SentRequest } from './load-generator.js';

const T = 1_700_000_000_000;
const window = { fromMs: T + 1_000, toMs: T + 3_000 };
const accepted = (seq: number, dueAtMs: number, sentLate = 1): SentRequest => ({
  seq, dueAtMs, sentAtMs: dueAtMs + sentLate, outcome: { kind: 'accepted', executionId: `e${seq}` },
});
const requests: SentRequest[] = [
  accepted(0, T), // warm-up
  accepted(1, T + 1_000),
  accepted(2, T + 1_500, 3),
  accepted(3, T + 2_000),
  accepted(4, T + 2_500), // never ends
  { seq: 5, dueAtMs: T + 2_600, sentAtMs: T + 2_601, outcome: { kind: 'refused', status: 429, code: 'RATE_LIMITED' } },
  { seq: 6, dueAtMs: T + 2_700, sentAtMs: T + 2_701, outcome: { kind: 'error', message: 'ECONNRESET' } },
  { seq: 7, dueAtMs: T + 2_800, sentAtMs: undefined },
  accepted(8, T + 3_000), // after the window
];
const end = (completedAtMs: number, status: EndedExecution['status'] = 'completed', errorCode?: string): EndedExecution => ({
  status, completedAtMs, seenAtMs: completedAtMs + 5, ...(errorCode ? { errorCode } : {}),
});
const ended = new Map<string, EndedExecution>([
  ['e0', end(T + 1_100)],
  ['e1', end(T + 1_201)],
  ['e2', end(T + 2_003, 'failed', 'STEP_TIMEOUT')],
  ['e3', end(T + 3_501)],
  ['e8', end(T + 3_101)],
]);

describe('executionFigures', () => {
  const f = executionFigures({ requests, ended, window, slowedSeqs: undefined });

  it('counts what became of the requests due in the window', () => {
    expect(f).toMatchObject({
      windowSeconds: 2, due: 7, sent: 6, accepted: 4, refused: 1, errors: 1, skipped: 1, warmupSent: 1,
      refusedBy: { '429 RATE_LIMITED': 1 }, errorsBy: { ECONNRESET: 1 },
      completed: 2, failed: 1, failedBy: { STEP_TIMEOUT: 1 }, neverEnded: 1,
    });
  });

  it('takes throughput from every end inside the window, the warm-up’s included', () => {
    expect(f.endedInWindow).toBe(3); // e0, e1, e2; e3 and e8 end after it
    expect(f.throughput).toBe(1.5);
  });

  it('measures latency from the send to completedAt, failed executions included', () => {
    expect(f.latency).toMatchObject({ count: 3, p50: 500, max: 1_500 });
    expect(f.sentLateMs.max).toBe(3);
    expect(f.latencyNotSlowed).toBeUndefined();
  });

  it('gives the latency without the executions a slowed call touched, when the knob was on', () => {
    const slow = executionFigures({ requests, ended, window, slowedSeqs: new Set([3]) });
    expect(slow.slowedExecutions).toBe(1);
    expect(slow.latencyNotSlowed).toMatchObject({ count: 2, max: 500 });
    expect(slow.latency.count).toBe(3);
  });
});

describe('endPoints', () => {
  it('has one point per accepted request that ended, warm-up and late ones included', () => {
    expect(endPoints(requests, ended).map((p) => p.latencyMs)).toEqual([1_099, 200, 500, 1_500, 100]);
  });
});
