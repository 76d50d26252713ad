/**
 * A bounded map that forgets the least recently used entry first, with an optional time to live.
 * For caches and pools keyed by something callers choose (an org, a host): they must not grow
 * without bound.
 */
export class Lru<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(private readonly opts: { maxEntries: number; ttlMs?: number; onEvict?: (key: K, value: V) => void; now?: () => number }) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: K, value: V): void {
    const old = this.entries.get(key);
    this.entries.delete(key);
    if (old && old.value !== value) this.opts.onEvict?.(key, old.value);
    this.entries.set(key, { value, expiresAt: this.opts.ttlMs === undefined ? Infinity : this.now() + this.opts.ttlMs });
    while (this.entries.size > this.opts.maxEntries) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [K, { value: V }];
      this.entries.delete(oldestKey);
      this.opts.onEvict?.(oldestKey, oldest.value);
    }
  }

  delete(key: K): void {
    const hit = this.entries.get(key);
    if (!hit) return;
    this.entries.delete(key);
    this.opts.onEvict?.(key, hit.value);
  }

  values(): V[] {
    return [...this.entries.values()].map((e) => e.value);
  }

  clear(): void {
    for (const key of [...this.entries.keys()]) this.delete(key);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}
