import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './percentiles.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('takes the smallest value with at least p% at or below it', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 90)).toBe(90);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
  });

  it('gives the only value for one sample, the first for p 0, NaN for none', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([3, 4], 0)).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });

  it('p99 of 10 values is the largest: too few samples to leave one out', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000], 99)).toBe(1000);
  });
});

describe('summarize', () => {
  it('sorts its input and reports count, percentiles, max and mean', () => {
    expect(summarize([30, 10, 20, 40])).toEqual({ count: 4, p50: 20, p90: 40, p99: 40, max: 40, mean: 25 });
  });

  it('reports NaN figures for no values', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect([s.p50, s.p90, s.p99, s.max, s.mean].every(Number.isNaN)).toBe(true);
  });
});
