import { describe, expect, it } from 'vitest';
import { Lru } from './lru.js';

describe('Lru', () => {
  it('drops the least recently used entry past its size, telling onEvict', () => {
    const evicted: string[] = [];
    const lru = new Lru<string, number>({ maxEntries: 2, onEvict: (k) => evicted.push(k) });
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3);
    expect(evicted).toEqual(['b']);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
    expect(lru.size).toBe(2);
  });

  it('forgets entries after their time to live', () => {
    let now = 0;
    const lru = new Lru<string, string | null>({ maxEntries: 10, ttlMs: 100, now: () => now });
    lru.set('miss', null);
    now = 99;
    expect(lru.get('miss')).toBeNull();
    now = 100;
    expect(lru.get('miss')).toBeUndefined();
  });
});
