import { describe, expect, it } from 'vitest';
import { elapsed, formatAge, formatDuration } from './time.js';

describe('formatDuration', () => {
  it('picks a unit people read at a glance', () => {
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(840)).toBe('840 ms');
    expect(formatDuration(3_240)).toBe('3.2 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_800_000)).toBe('2 h 10 min');
  });
});

describe('formatAge', () => {
  it('counts back from now', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(formatAge('2026-01-01T23:59:58Z', now)).toBe('just now');
    expect(formatAge('2026-01-01T23:59:00Z', now)).toBe('1 min ago');
    expect(formatAge('2026-01-01T21:00:00Z', now)).toBe('3 h ago');
    expect(formatAge('2025-12-30T00:00:00Z', now)).toBe('3 d ago');
    expect(formatAge('garbage', now)).toBe('—');
  });
});

describe('elapsed', () => {
  it('uses the recorded total, the end, or now', () => {
    expect(elapsed('2026-01-01T00:00:00Z', undefined, Date.parse('2026-01-01T00:00:02Z'))).toBe(2_000);
    expect(elapsed('2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', 0)).toBe(1_000);
    expect(elapsed('2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', 0, 990)).toBe(990);
  });
});
