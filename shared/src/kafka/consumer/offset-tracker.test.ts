import { describe, expect, it } from 'vitest';
import { decodeDoneOffsets, encodeDoneOffsets, PartitionOffsets } from './offset-tracker.js';

describe('PartitionOffsets', () => {
  it('commits up to the first unfinished offset and lists those finished above it', () => {
    const p = new PartitionOffsets(10);
    for (const o of [10, 11, 12, 13, 14]) expect(p.accept(o)).toBe('handle');
    p.done(11);
    p.done(13);
    expect(p.commitPoint(1000)).toEqual({ offset: 10, metadata: encodeDoneOffsets(10, [11, 13], 1000) });
    p.done(10);
    expect(p.lowWatermark()).toBe(12);
    p.done(12);
    p.done(14);
    expect(p.commitPoint(1000)).toEqual({ offset: 15, metadata: '' });
    expect(p.pending()).toBe(0);
  });

  it('skips a refetch of what it holds, and what a previous owner finished', () => {
    const p = new PartitionOffsets(5, [7, 8]);
    expect(p.accept(5)).toBe('handle');
    expect(p.accept(5)).toBe('seen');
    expect(p.accept(6)).toBe('handle');
    expect(p.accept(7)).toBe('done-before');
    expect(p.accept(8)).toBe('done-before');
    p.done(5);
    p.done(6);
    expect(p.lowWatermark()).toBe(9);
  });

  it('moves past control records at the end of a batch only when nothing is pending', () => {
    const p = new PartitionOffsets(0);
    p.accept(0);
    p.fetched(2);
    expect(p.lowWatermark()).toBe(0);
    p.done(0);
    expect(p.lowWatermark()).toBe(3);
  });

  it('starts from the first message when the group has no committed offset', () => {
    const p = new PartitionOffsets(-1);
    expect(p.commitPoint(100)).toBeUndefined();
    expect(p.accept(42)).toBe('handle');
    p.done(42);
    expect(p.commitPoint(100)).toEqual({ offset: 43, metadata: '' });
  });

  it('says nothing new once a commit point is committed', () => {
    const p = new PartitionOffsets(0);
    p.accept(0);
    p.done(0);
    const point = p.commitPoint(100);
    expect(point).toBeDefined();
    p.committed(point as { offset: number; metadata: string });
    expect(p.commitPoint(100)).toBeUndefined();
    expect(p.lastCommitted()).toBe(1);
  });
});

describe('done-offset metadata', () => {
  it('round-trips ranges relative to the base', () => {
    const offsets = [101, 102, 103, 110, 200, 201];
    const text = encodeDoneOffsets(100, offsets, 1000);
    expect(text.startsWith('done1:')).toBe(true);
    expect(decodeDoneOffsets(100, text)).toEqual(offsets);
  });

  it('keeps within its length, dropping the ranges that do not fit (they are redone)', () => {
    const offsets = Array.from({ length: 500 }, (_, i) => 1000 + i * 2);
    const text = encodeDoneOffsets(999, offsets, 60);
    expect(text.length).toBeLessThanOrEqual(60);
    const decoded = decodeDoneOffsets(999, text);
    expect(decoded.length).toBeGreaterThan(0);
    expect(offsets.slice(0, decoded.length)).toEqual(decoded);
  });

  it('reads anything else as nothing done', () => {
    expect(decodeDoneOffsets(0, null)).toEqual([]);
    expect(decodeDoneOffsets(0, 'something else')).toEqual([]);
    expect(decodeDoneOffsets(0, 'done1:zz-')).toEqual([]);
  });
});
