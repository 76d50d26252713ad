/**
 * Sliding-window counting, the arithmetic of the per-org limits. A limit of `rate` per second with
 * a `burst` becomes a window of burst/rate seconds (at least one) holding `burst` requests; the
 * count of the previous window is weighted by how much of it still overlaps the sliding window.
 */
export interface WindowSpec {
  windowMs: number;
  limit: number;
}

/** The window that allows `burst` at once and `ratePerSecond` sustained. */
export function windowSpec(ratePerSecond: number, burst: number): WindowSpec {
  const windowMs = Math.max(1_000, Math.round((burst / ratePerSecond) * 1_000));
  return { windowMs, limit: Math.max(1, Math.round((ratePerSecond * windowMs) / 1_000)) };
}

/** Requests in the sliding window ending now: the previous window's share plus the current one. */
export function estimate(counts: { prev: number; cur: number }, fraction: number): number {
  return counts.prev * (1 - fraction) + counts.cur;
}

/**
 * How long until one more request fits, if none arrive meanwhile. `fraction` is how far the
 * current window has run (0..1).
 */
export function waitMs(counts: { prev: number; cur: number }, fraction: number, spec: WindowSpec): number {
  const room = spec.limit - 1;
  if (counts.cur <= room) {
    if (counts.prev <= 0) return 0;
    const fitsAt = 1 - (room - counts.cur) / counts.prev;
    return Math.max(0, fitsAt - fraction) * spec.windowMs;
  }
  // this window is full on its own: wait for the next, where it becomes the decaying previous one
  const fitsAt = Math.max(0, 1 - room / counts.cur);
  return (1 - fraction + fitsAt) * spec.windowMs;
}
