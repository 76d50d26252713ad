import { describe, expect, it } from 'vitest';
import { lagOf } from './consumer-lag.js';

const offsets = (entries: Record<string, number[]>) => new Map(Object.entries(entries).map(([t, list]) => [t, new Map(list.map((o, p) => [p, o]))]));

describe('lagOf', () => {
  const ends = offsets({ a: [10, 20, 30], b: [5] });
  const starts = offsets({ a: [0, 0, 4], b: [0] });

  it('adds each partition’s distance from the committed offset to the end', () => {
    const lag = lagOf('g', [{ topic: 'a', partitions: [{ partition: 0, offset: '10' }, { partition: 1, offset: '15' }, { partition: 2, offset: '29' }] }], ends, starts);
    expect(lag).toEqual({ groupId: 'g', lag: 6, behindPartitions: 2, maxPartitionLag: 5, topics: ['a'] });
  });

  it('counts a partition never committed on from its start, and ignores unknown partitions', () => {
    const lag = lagOf('g', [
      { topic: 'a', partitions: [{ partition: 2, offset: '-1' }, { partition: 9, offset: '1' }] },
      { topic: 'b', partitions: [{ partition: 0, offset: '7' }] },
    ], ends, starts);
    expect(lag).toMatchObject({ lag: 26, behindPartitions: 1, maxPartitionLag: 26, topics: ['a', 'b'] });
  });
});
