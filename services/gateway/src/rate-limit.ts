/** A token bucket per org: `ratePerSecond` sustained, `burst` at once. In memory, per gateway instance. */
export function createRateLimiter(opts: { ratePerSecond: number; burst: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes a token; answers how long to wait when there is none. */
    take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
      const t = now();
      const b = buckets.get(key) ?? { tokens: opts.burst, at: t };
      b.tokens = Math.min(opts.burst, b.tokens + ((t - b.at) / 1000) * opts.ratePerSecond);
      b.at = t;
      buckets.set(key, b);
      if (buckets.size > 100_000) buckets.delete(buckets.keys().next().value as string);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / opts.ratePerSecond)) };
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
