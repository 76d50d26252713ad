import { describe, expect, it } from 'vitest';
import { readRanges } from './read-ranges.js';

const bounds = [
  { partition: 0, low: 0, end: 10 },
  { partition: 1, low: 5, end: 5 },
  { partition: 2, low: 3, end: 8 },
];

describe('which offsets are read', () => {
  it('everything readable when nothing narrows it; empty partitions are left out', () => {
    expect([...readRanges(bounds, {})]).toEqual([
      [0, { from: 0, to: 10 }],
      [2, { from: 3, to: 8 }],
    ]);
  });

  it('only the span of the ids, per partition, and no partition without one', () => {
    const ranges = readRanges(bounds, { ids: [{ partition: 0, offset: 4 }, { partition: 0, offset: 2 }, { partition: 2, offset: 7 }] });
    expect([...ranges]).toEqual([
      [0, { from: 2, to: 5 }],
      [2, { from: 7, to: 8 }],
    ]);
  });

  it('nothing for ids past the end or removed by retention', () => {
    expect(readRanges(bounds, { ids: [{ partition: 0, offset: 10 }, { partition: 2, offset: 1 }, { partition: 9, offset: 0 }] }).size).toBe(0);
  });

  it('from the offset the time index gives for --since, never below the first offset', () => {
    const ranges = readRanges(bounds, { sinceOffsets: new Map([[0, 6], [2, 0]]) });
    expect(ranges.get(0)).toEqual({ from: 6, to: 10 });
    expect(ranges.get(2)).toEqual({ from: 3, to: 8 });
  });

  it('nothing in a partition whose messages are all older than --since (the index answers its end)', () => {
    expect(readRanges(bounds, { sinceOffsets: new Map([[0, 10], [2, 8]]) }).size).toBe(0);
  });
});
