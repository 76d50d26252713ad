import { ROUTE_CLASSES, type RouteClass } from './route-class.js';
import { estimate, waitMs, windowSpec, type WindowSpec } from './sliding-window.js';

/** What one replica tells the others: its own counts per window, and the waits it holds now. */
export interface LimitReport {
  counts: { c: RouteClass; o: string; w: number; n: number }[];
  waits: { o: string; n: number }[];
}

export interface LimitSettings {
  rates: Record<RouteClass, { ratePerSecond: number; burst: number }>;
  /** concurrent `?wait=` requests per org, across replicas */
  waitsPerOrg: number;
  now?: () => number;
}

type Taken = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Entry {
  w: number;
  cur: number;
  prev: number;
}

/** Most (class, org) pairs tracked; beyond it the least recently started windows are dropped. */
const MAX_ENTRIES = 200_000;

/**
 * Per-org limits, decided in memory on every request and shared between gateway replicas through
 * reports (see limit-sync.ts): a request is admitted when this replica's count plus the last counts
 * the other replicas reported stay under the limit. No database call happens per request.
 */
export function createOrgLimiter(settings: LimitSettings) {
  const now = settings.now ?? Date.now;
  const specs = Object.fromEntries(ROUTE_CLASSES.map((c) => [c, windowSpec(settings.rates[c].ratePerSecond, settings.rates[c].burst)])) as Record<RouteClass, WindowSpec>;
  const local = new Map<string, Entry>();
  let remote = new Map<string, number>();
  const waits = new Map<string, number>();
  let remoteWaits = new Map<string, number>();

  const roll = (e: Entry, w: number) => {
    if (e.w === w) return;
    e.prev = e.w === w - 1 ? e.cur : 0;
    e.cur = 0;
    e.w = w;
  };

  return {
    specs,

    /** Counts one request of `cls` for `org`, or says how long to wait. */
    take(cls: RouteClass, org: string): Taken {
      const spec = specs[cls];
      const t = now();
      const w = Math.floor(t / spec.windowMs);
      const fraction = (t % spec.windowMs) / spec.windowMs;
      const key = `${cls}|${org}`;
      let e = local.get(key);
      if (!e) {
        if (local.size >= MAX_ENTRIES) local.delete(local.keys().next().value as string);
        e = { w, cur: 0, prev: 0 };
        local.set(key, e);
      }
      roll(e, w);
      const counts = { prev: e.prev + (remote.get(`${key}|${w - 1}`) ?? 0), cur: e.cur + (remote.get(`${key}|${w}`) ?? 0) };
      if (estimate(counts, fraction) + 1 > spec.limit) {
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs(counts, fraction, spec) / 1000)) };
      }
      e.cur += 1;
      return { ok: true };
    },

    /** Takes one of the org's wait slots; the release function gives it back (once). */
    acquireWait(org: string): (() => void) | null {
      const mine = waits.get(org) ?? 0;
      if (mine + (remoteWaits.get(org) ?? 0) + 1 > settings.waitsPerOrg) return null;
      waits.set(org, mine + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (waits.get(org) ?? 1) - 1;
        if (left > 0) waits.set(org, left);
        else waits.delete(org);
      };
    },

    /** This replica's counts in the current and previous windows, and its waits; forgets older entries. */
    report(): LimitReport {
      const t = now();
      const counts: LimitReport['counts'] = [];
      for (const [key, e] of local) {
        const [c, o] = key.split('|') as [RouteClass, string];
        const w = Math.floor(t / specs[c].windowMs);
        roll(e, w);
        if (e.cur === 0 && e.prev === 0) {
          local.delete(key);
          continue;
        }
        if (e.cur > 0) counts.push({ c, o, w, n: e.cur });
        if (e.prev > 0) counts.push({ c, o, w: w - 1, n: e.prev });
      }
      return { counts, waits: [...waits].map(([o, n]) => ({ o, n })) };
    },

    /** Replaces what is known of the other replicas with their latest reports. */
    applyRemote(reports: LimitReport[]) {
      const counts = new Map<string, number>();
      const held = new Map<string, number>();
      for (const r of reports) {
        for (const { c, o, w, n } of r.counts) counts.set(`${c}|${o}|${w}`, (counts.get(`${c}|${o}|${w}`) ?? 0) + n);
        for (const { o, n } of r.waits) held.set(o, (held.get(o) ?? 0) + n);
      }
      remote = counts;
      remoteWaits = held;
    },
  };
}
export type OrgLimiter = ReturnType<typeof createOrgLimiter>;
