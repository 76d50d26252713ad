import { describe, expect, it } from 'vitest';
import { dueCount, runOpenLoop, type SendOutcome } from './load-generator.js';

describe('dueCount', () => {
  it('has request i due at i/rate seconds, the first at once', () => {
    expect(dueCount(0, 100, 1_000)).toBe(1);
    expect(dueCount(9.99, 100, 1_000)).toBe(1);
    expect(dueCount(10, 100, 1_000)).toBe(2);
    expect(dueCount(1_000, 100, 1_000)).toBe(101);
    expect(dueCount(333.3334, 3, 10)).toBe(2);
  });

  it('never exceeds the total and is zero before the start', () => {
    expect(dueCount(60_000, 100, 500)).toBe(500);
    expect(dueCount(-1, 100, 500)).toBe(0);
  });
});

describe('runOpenLoop', () => {
  it('sends on schedule although no request has answered, skipping beyond the outstanding bound', async () => {
    const answers: ((o: SendOutcome) => void)[] = [];
    const run = runOpenLoop({ rate: 1_000, durationS: 0.02, maxOutstanding: 5, send: () => new Promise((r) => answers.push(r)) });
    await run.scheduleDone;
    // 20 were due; none answered, so the first 5 went out and the other 15 were skipped, not delayed
    expect(run.counts()).toMatchObject({ due: 20, sent: 5, skipped: 15, outstanding: 5 });
    for (const [i, answer] of answers.entries()) answer(i < 3 ? { kind: 'accepted', executionId: `e${i}` } : i === 3 ? { kind: 'refused', status: 429, code: 'RATE_LIMITED' } : { kind: 'error', message: 'reset' });
    await run.answered();
    expect(run.counts()).toMatchObject({ accepted: 3, refused: 1, errors: 1, outstanding: 0 });
    expect(run.requests.filter((r) => r.sentAtMs === undefined).map((r) => r.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 5));
  });

  it('counts a send that throws as an error', async () => {
    const run = runOpenLoop({ rate: 1, durationS: 1, maxOutstanding: 10, send: () => Promise.reject(new Error('boom')) });
    await run.answered();
    expect(run.requests[0]?.outcome).toEqual({ kind: 'error', message: 'boom' });
  });
});
