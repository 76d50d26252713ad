/**
 * Which offsets of one partition are safe to commit while messages finish out of order.
 *
 * Messages are accepted in offset order and may finish in any order (different keys run in
 * parallel). The committed offset is the first one not yet done (the low watermark); offsets done
 * above it travel in the commit's metadata, so a new owner of the partition skips them instead of
 * running them again. Offsets are JavaScript numbers: exact up to 2^53.
 */
export class PartitionOffsets {
  /** accepted offsets in order, with whether each is done; the head is always not done */
  private readonly window: { offset: number; done: boolean }[] = [];
  private readonly byOffset = new Map<number, { offset: number; done: boolean }>();
  private head = 0;
  /** one past the last offset fetched, control records included */
  private fetchedThrough: number;
  /** offsets a previous owner finished above the committed offset (from the commit metadata) */
  private readonly doneBefore: Set<number>;
  private committedAt: number;
  private committedDone = '';

  /** `committed`: the group's committed offset, or -1 when it has none (the first message fetched then starts the window). */
  constructor(committed: number, doneBefore: Iterable<number> = []) {
    this.fetchedThrough = committed;
    this.committedAt = committed;
    this.doneBefore = new Set([...doneBefore].filter((o) => o >= committed));
  }

  /**
   * Whether the message at `offset` should be handled: false when it was accepted already (a
   * refetch after a rejoin) or a previous owner finished it.
   */
  accept(offset: number): 'handle' | 'seen' | 'done-before' {
    if (this.fetchedThrough < 0) this.fetchedThrough = offset;
    if (offset < this.fetchedThrough) return 'seen';
    this.fetchedThrough = offset + 1;
    if (this.doneBefore.delete(offset)) {
      this.window.push({ offset, done: true });
      this.advance();
      return 'done-before';
    }
    const entry = { offset, done: false };
    this.window.push(entry);
    this.byOffset.set(offset, entry);
    return 'handle';
  }

  /** Records that the fetch went up to `lastOffset` (a batch may end in control records). */
  fetched(lastOffset: number): void {
    if (this.fetchedThrough < 0) return;
    if (lastOffset + 1 > this.fetchedThrough) this.fetchedThrough = lastOffset + 1;
  }

  done(offset: number): void {
    const entry = this.byOffset.get(offset);
    if (!entry) return;
    entry.done = true;
    this.byOffset.delete(offset);
    this.advance();
  }

  private advance(): void {
    while (this.head < this.window.length && (this.window[this.head] as { done: boolean }).done) this.head++;
    if (this.head > 1024 && this.head * 2 > this.window.length) {
      this.window.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The offset to commit: the first not done, or one past everything fetched. */
  lowWatermark(): number {
    const first = this.window[this.head];
    return first ? first.offset : this.fetchedThrough;
  }

  /** Offsets done above the low watermark, as compact metadata (bounded; what does not fit is redone). */
  doneAboveWatermark(maxLength: number): string {
    const done: number[] = [];
    for (let i = this.head; i < this.window.length; i++) {
      const entry = this.window[i] as { offset: number; done: boolean };
      if (entry.done) done.push(entry.offset);
    }
    return encodeDoneOffsets(this.lowWatermark(), done, maxLength);
  }

  /** What a commit now would write, or undefined when it would repeat the last commit. */
  commitPoint(maxMetadata: number): { offset: number; metadata: string } | undefined {
    const offset = this.lowWatermark();
    if (offset < 0) return undefined;
    const metadata = this.doneAboveWatermark(maxMetadata);
    if (offset === this.committedAt && metadata === this.committedDone) return undefined;
    return { offset, metadata };
  }

  /** The offset this owner last committed (or the group's, before its first commit). */
  lastCommitted(): number {
    return this.committedAt;
  }

  committed(point: { offset: number; metadata: string }): void {
    this.committedAt = point.offset;
    this.committedDone = point.metadata;
  }

  /** Messages accepted and not done yet. */
  pending(): number {
    return this.byOffset.size;
  }
}

const PREFIX = 'done1:';

/**
 * `done1:<start>-<count>,...` with each start relative to the previous range's end, in base 36.
 * A range list stays short because work finishes roughly in order.
 */
export function encodeDoneOffsets(base: number, offsets: number[], maxLength: number): string {
  if (offsets.length === 0) return '';
  const sorted = [...offsets].sort((a, b) => a - b);
  const parts: string[] = [];
  let length = PREFIX.length;
  let cursor = base;
  for (let i = 0; i < sorted.length; ) {
    const start = sorted[i] as number;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) end = sorted[++i] as number;
    i++;
    const part = `${(start - cursor).toString(36)}-${(end - start + 1).toString(36)}`;
    if (length + part.length + 1 > maxLength) break;
    parts.push(part);
    length += part.length + 1;
    cursor = end + 1;
  }
  return parts.length > 0 ? PREFIX + parts.join(',') : '';
}

/** The offsets a commit's metadata lists as done above `base`; anything unreadable lists none. */
export function decodeDoneOffsets(base: number, metadata: string | null | undefined): number[] {
  if (!metadata?.startsWith(PREFIX)) return [];
  const offsets: number[] = [];
  let cursor = base;
  for (const part of metadata.slice(PREFIX.length).split(',')) {
    const [gap, count] = part.split('-').map((s) => Number.parseInt(s, 36));
    if (gap === undefined || count === undefined || !Number.isFinite(gap) || !Number.isFinite(count) || gap < 0 || count < 1 || count > 1_000_000) return [];
    const start = cursor + gap;
    for (let o = start; o < start + count; o++) offsets.push(o);
    cursor = start + count;
  }
  return offsets;
}
