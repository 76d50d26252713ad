import type { DeadLetterId } from './dead-letter-id.js';

/** What a partition holds now: `low` is its first offset, `end` one past its last readable (committed) one. */
export interface PartitionBounds {
  partition: number;
  low: number;
  end: number;
}

/** Offsets to read in one partition, `from` included, `to` excluded. */
export interface ReadRange {
  from: number;
  to: number;
}

/**
 * Which offsets to read: only around the ids when ids are given, else from the first offset at or
 * after `since` (per partition, from the broker's time index), else everything. Partitions with
 * nothing to read are left out.
 */
export function readRanges(bounds: PartitionBounds[], opts: { ids?: DeadLetterId[]; sinceOffsets?: Map<number, number> }): Map<number, ReadRange> {
  const ranges = new Map<number, ReadRange>();
  for (const { partition, low, end } of bounds) {
    let from = low;
    let to = end;
    if (opts.ids) {
      const wanted = opts.ids.filter((id) => id.partition === partition).map((id) => id.offset);
      if (wanted.length === 0) continue;
      from = Math.max(low, Math.min(...wanted));
      to = Math.min(end, Math.max(...wanted) + 1);
    } else {
      const since = opts.sinceOffsets?.get(partition);
      if (since !== undefined) from = Math.max(low, since);
    }
    if (from < to) ranges.set(partition, { from, to });
  }
  return ranges;
}
