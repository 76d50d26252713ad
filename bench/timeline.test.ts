import { describe, expect, it } from 'vitest';
import { perSecond } from './timeline.js';

describe('perSecond', () => {
  const start = 1_000_000;

  it('counts sends and ends per second since the start, latency percentiles by the second of the end', () => {
    const seconds = perSecond(
      start,
      [start, start + 400, start + 1_500],
      [
        { endedAtMs: start + 900, latencyMs: 100 },
        { endedAtMs: start + 2_100, latencyMs: 300 },
        { endedAtMs: start + 2_200, latencyMs: 700 },
      ],
    );
    expect(seconds).toEqual([
      { t: 0, sent: 2, ended: 1, p50: 100, p99: 100 },
      { t: 1, sent: 1, ended: 0, p50: Number.NaN, p99: Number.NaN },
      { t: 2, sent: 0, ended: 2, p50: 300, p99: 700 },
    ]);
  });

  it('leaves out what happened before the start or after maxSeconds', () => {
    const seconds = perSecond(start, [start - 1], [{ endedAtMs: start + 5_000, latencyMs: 1 }], 3);
    expect(seconds).toEqual([]);
  });
});
