import { ROUTE_CLASSES, type RouteClass } from './route-class.js';
import { estimate, waitMs, windowSpec, type WindowSpec } from './sliding-window.js';

/** What one replica tells the others: its own counts per window, and the waits and live streams it holds now. */
export interface LimitReport {
  counts: { c: RouteClass; o: string; w: number; n: number }[];
  waits: { o: string; n: number }[];
  /** open event streams per org (absent in reports of replicas older than the streams) */
  streams?: { o: string; n: number }[];
}

export interface LimitSettings {
  rates: Record<RouteClass, { ratePerSecond: number; burst: number }>;
  /** concurrent `?wait=` requests per org, across replicas */
  waitsPerOrg: number;
  /** open event streams (`/stream` routes) per org, across replicas */
  streamsPerOrg?: number;
  now?: () => number;
}

/** Things an org holds open for a while, bounded per org across replicas. */
type SlotKind = 'waits' | 'streams';

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
  const held: Record<SlotKind, Map<string, number>> = { waits: new Map(), streams: new Map() };
  let remoteHeld: Record<SlotKind, Map<string, number>> = { waits: new Map(), streams: new Map() };
  const bounds: Record<SlotKind, number> = { waits: settings.waitsPerOrg, streams: settings.streamsPerOrg ?? 50 };

  /** Takes one of the org's slots of a kind; the release function gives it back (once). */
  const acquire = (kind: SlotKind, org: string): (() => void) | null => {
    const mine = held[kind];
    const count = mine.get(org) ?? 0;
    if (count + (remoteHeld[kind].get(org) ?? 0) + 1 > bounds[kind]) return null;
    mine.set(org, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (mine.get(org) ?? 1) - 1;
      if (left > 0) mine.set(org, left);
      else mine.delete(org);
    };
  };

  const roll = (e: Entry, w: number) => {
    if (e.w === w) return;
    e.prev = e.w === w - 1 ? e.cur : 0;
    e.cur = 0;
    e.w = w;
  };

  return {
    specs,

    /** Counts `n` requests (one by default; a bulk retry counts each execution it starts) of `cls` for `org`, or says how long to wait. */
    take(cls: RouteClass, org: string, n = 1): Taken {
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
      if (estimate(counts, fraction) + n > spec.limit) {
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs(counts, fraction, spec) / 1000)) };
      }
      e.cur += n;
      return { ok: true };
    },

    /** Takes one of the org's `?wait=` slots; the release function gives it back (once). */
    acquireWait: (org: string) => acquire('waits', org),

    /** Takes one of the org's event-stream slots; the release function gives it back (once). */
    acquireStream: (org: string) => acquire('streams', org),

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
      const list = (m: Map<string, number>) => [...m].map(([o, n]) => ({ o, n }));
      return { counts, waits: list(held.waits), ...(held.streams.size > 0 ? { streams: list(held.streams) } : {}) };
    },

    /** Replaces what is known of the other replicas with their latest reports. */
    applyRemote(reports: LimitReport[]) {
      const counts = new Map<string, number>();
      const others: Record<SlotKind, Map<string, number>> = { waits: new Map(), streams: new Map() };
      const add = (m: Map<string, number>, list: { o: string; n: number }[] | undefined) => {
        for (const { o, n } of list ?? []) m.set(o, (m.get(o) ?? 0) + n);
      };
      for (const r of reports) {
        for (const { c, o, w, n } of r.counts) counts.set(`${c}|${o}|${w}`, (counts.get(`${c}|${o}|${w}`) ?? 0) + n);
        add(others.waits, r.waits);
        add(others.streams, r.streams);
      }
      remote = counts;
      remoteHeld = others;
    },
  };
}
export type OrgLimiter = ReturnType<typeof createOrgLimiter>;
