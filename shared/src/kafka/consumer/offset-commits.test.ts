import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OffsetCommits, type OffsetCommit } from './committer.js';

const at = (partition: number, offset: number): OffsetCommit => ({ topic: 't', partition, offset: String(offset), metadata: null });

function commitsTo(result: (call: number) => Promise<void> = async () => undefined) {
  const calls: OffsetCommit[][] = [];
  const errors: unknown[] = [];
  const offsets = new OffsetCommits({
    commit: (list) => {
      calls.push(list);
      return result(calls.length);
    },
    everyMs: 100,
    onError: (error) => errors.push(error),
    now: () => Date.now(),
  });
  return { calls, errors, offsets };
}

describe('OffsetCommits', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('commits the first offsets at once, then at most one commit per interval with the newest point of each partition', async () => {
    const { calls, offsets } = commitsTo();
    offsets.add([at(0, 5)]);
    expect(calls).toEqual([[at(0, 5)]]);
    await vi.advanceTimersByTimeAsync(10);
    offsets.add([at(0, 7), at(1, 3)]);
    offsets.add([at(0, 9)]);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(89);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([[at(0, 5)], [at(0, 9), at(1, 3)]]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(2);
  });

  it('reports a failed commit and sends its offsets with the next one, unless newer ones came meanwhile', async () => {
    let fail = true;
    const { calls, errors, offsets } = commitsTo(async () => {
      if (fail) throw new Error('coordinator moved');
    });
    offsets.add([at(0, 5), at(1, 2)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(1);
    fail = false;
    offsets.add([at(1, 4)]);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toEqual([
      [at(0, 5), at(1, 2)],
      [at(0, 5), at(1, 4)],
    ]);
  });

  it('flush commits what waits without waiting for the interval, after the commit in flight', async () => {
    let release: () => void = () => undefined;
    const { calls, offsets } = commitsTo((call) => (call === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()));
    offsets.add([at(0, 1)]);
    offsets.add([at(0, 2)]);
    let flushed = false;
    const flushing = offsets.flush().then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(false);
    expect(calls).toHaveLength(1);
    release();
    await flushing;
    expect(calls).toEqual([[at(0, 1)], [at(0, 2)]]);
  });
});
