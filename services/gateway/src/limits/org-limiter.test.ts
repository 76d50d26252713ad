import type { Logger } from '@botwot/shared/observability';
import { describe, expect, it } from 'vitest';
import { createMemoryLimitStore, packReport, unpackReport } from '../stores/limit-store.js';
import { startLimitSync } from './limit-sync.js';
import { createOrgLimiter, type LimitSettings } from './org-limiter.js';
import { routeClassOf } from './route-class.js';
import { estimate, waitMs, windowSpec } from './sliding-window.js';

const silent = { warn: () => undefined } as unknown as Logger;

function replicas(n: number, rates: Partial<LimitSettings['rates']> = {}, waitsPerOrg = 3) {
  let clock = 1_000_000;
  const store = createMemoryLimitStore();
  const settings: LimitSettings = {
    rates: { read: { ratePerSecond: 10, burst: 20 }, write: { ratePerSecond: 1, burst: 5 }, execute: { ratePerSecond: 5, burst: 10 }, ...rates },
    waitsPerOrg,
    streamsPerOrg: 2,
    now: () => clock,
  };
  const list = Array.from({ length: n }, (_, i) => {
    const limiter = createOrgLimiter(settings);
    const sync = startLimitSync({ limiter, store, replicaId: `r${i}`, intervalMs: 60_000, logger: silent, now: () => clock });
    return { limiter, sync };
  });
  return {
    list,
    advance: (ms: number) => (clock += ms),
    syncAll: async () => {
      for (const r of list) await r.sync.syncNow();
      for (const r of list) await r.sync.syncNow();
    },
    stop: () => Promise.all(list.map((r) => r.sync.stop())),
  };
}

const admitted = (limiter: ReturnType<typeof createOrgLimiter>, cls: 'read' | 'write' | 'execute', org: string, tries: number) =>
  Array.from({ length: tries }, () => limiter.take(cls, org)).filter((t) => t.ok).length;

describe('sliding-window arithmetic', () => {
  it('turns rate and burst into a window that holds the burst, at least a second long', () => {
    expect(windowSpec(50, 200)).toEqual({ windowMs: 4_000, limit: 200 });
    expect(windowSpec(1, 2)).toEqual({ windowMs: 2_000, limit: 2 });
    expect(windowSpec(100, 10)).toEqual({ windowMs: 1_000, limit: 100 });
  });

  it('weights the previous window by what still overlaps, and says when one more fits', () => {
    expect(estimate({ prev: 10, cur: 4 }, 0.25)).toBe(11.5);
    const spec = { windowMs: 1_000, limit: 10 };
    // full on its own: the rest of this window plus until 1 - 9/10 of the next
    expect(waitMs({ prev: 0, cur: 10 }, 0.5, spec)).toBeCloseTo(600);
    // the previous window still weighs: 10·(1 - f) + 5 ≤ 9 from f = 0.6
    expect(waitMs({ prev: 10, cur: 5 }, 0.2, spec)).toBeCloseTo(400);
  });
});

describe('stored reports', () => {
  it('pack into one JSON text of tuples and unpack to the same report', () => {
    const report = { counts: [{ c: 'read' as const, o: 'org-a', w: 123, n: 4 }, { c: 'execute' as const, o: 'org-b', w: 122, n: 1 }], waits: [{ o: 'org-a', n: 2 }] };
    expect(packReport(report)).toBe('{"c":[["read","org-a",123,4],["execute","org-b",122,1]],"w":[["org-a",2]]}');
    expect(unpackReport(packReport(report))).toEqual(report);
  });
});

describe('routeClassOf', () => {
  it.each([
    ['GET', '/workFlow', 'read'],
    ['GET', '/channels', 'read'],
    ['POST', '/workFlow/abc/validate', 'read'],
    ['POST', '/workFlow/abc/execute', 'execute'],
    ['POST', '/workFlow/abc/test', 'execute'],
    ['POST', '/workFlow/execution/e1/retry', 'execute'],
    ['POST', '/workFlow', 'write'],
    ['PUT', '/workFlow/abc', 'write'],
    ['DELETE', '/workFlow/abc', 'write'],
    ['POST', '/channels', 'write'],
    ['DELETE', '/channels/email/a@b.example', 'write'],
  ])('%s %s counts as %s', (method, path, cls) => expect(routeClassOf(method, path)).toBe(cls));
});

describe('per-org limits across replicas', () => {
  it('one replica admits the burst of each class per org, then refuses with a wait, and admits again later', async () => {
    const r = replicas(1);
    const { limiter } = r.list[0]!;
    expect(admitted(limiter, 'read', 'org-a', 30)).toBe(20);
    expect(admitted(limiter, 'write', 'org-a', 30)).toBe(5);
    expect(admitted(limiter, 'execute', 'org-a', 30)).toBe(10);
    const refused = limiter.take('read', 'org-a');
    expect(refused).toEqual({ ok: false, retryAfterSeconds: expect.any(Number) });
    if (!refused.ok) expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(admitted(limiter, 'read', 'org-b', 30)).toBe(20);
    r.advance(refused.ok ? 0 : refused.retryAfterSeconds * 1000);
    expect(limiter.take('read', 'org-a').ok).toBe(true);
    await r.stop();
  });

  it('shares the budget between replicas once they have synced: the second replica refuses what the first used', async () => {
    const r = replicas(2);
    const [a, b] = r.list as [(typeof r.list)[0], (typeof r.list)[0]];
    expect(admitted(a.limiter, 'read', 'org-a', 15)).toBe(15);
    await r.syncAll();
    expect(admitted(b.limiter, 'read', 'org-a', 20)).toBe(5);
    await r.syncAll();
    expect(a.limiter.take('read', 'org-a').ok).toBe(false);
    // another org is untouched
    expect(admitted(b.limiter, 'read', 'org-b', 20)).toBe(20);
    await r.stop();
  });

  it('overshoots by at most what the other replicas admit between two syncs (here: each its own burst)', async () => {
    const r = replicas(3);
    const total = r.list.reduce((sum, { limiter }) => sum + admitted(limiter, 'execute', 'org-a', 50), 0);
    expect(total).toBe(30); // unsynced: 3 × burst, the documented worst case
    await r.syncAll();
    expect(r.list.reduce((sum, { limiter }) => sum + admitted(limiter, 'execute', 'org-a', 50), 0)).toBe(0);
    await r.stop();
  });

  it('bounds concurrent waits per org across replicas, and frees a slot on release', async () => {
    const r = replicas(2, {}, 3);
    const [a, b] = r.list as [(typeof r.list)[0], (typeof r.list)[0]];
    const held = [a.limiter.acquireWait('org-a'), a.limiter.acquireWait('org-a')];
    expect(held.every(Boolean)).toBe(true);
    await r.syncAll();
    const third = b.limiter.acquireWait('org-a');
    expect(third).not.toBeNull();
    expect(b.limiter.acquireWait('org-a')).toBeNull();
    expect(b.limiter.acquireWait('org-b')).not.toBeNull();
    held[0]?.();
    held[0]?.(); // releasing twice frees one slot only
    await r.syncAll();
    expect(b.limiter.acquireWait('org-a')).not.toBeNull();
    expect(b.limiter.acquireWait('org-a')).toBeNull();
    await r.stop();
  });

  it('bounds open streams per org across replicas, apart from waits', async () => {
    const r = replicas(2, {}, 3);
    const [a, b] = r.list as [(typeof r.list)[0], (typeof r.list)[0]];
    const first = a.limiter.acquireStream('org-a');
    expect(first).not.toBeNull();
    await r.syncAll();
    expect(b.limiter.acquireStream('org-a')).not.toBeNull();
    expect(b.limiter.acquireStream('org-a')).toBeNull();
    expect(b.limiter.acquireWait('org-a')).not.toBeNull();
    first?.();
    await r.syncAll();
    expect(b.limiter.acquireStream('org-a')).not.toBeNull();
    await r.stop();
  });

  it('forgets a stopped replica: its waits stop counting once its report is gone', async () => {
    const r = replicas(2, {}, 1);
    const [a, b] = r.list as [(typeof r.list)[0], (typeof r.list)[0]];
    expect(a.limiter.acquireWait('org-a')).not.toBeNull();
    await r.syncAll();
    expect(b.limiter.acquireWait('org-a')).toBeNull();
    await a.sync.stop();
    await b.sync.syncNow();
    expect(b.limiter.acquireWait('org-a')).not.toBeNull();
    await b.sync.stop();
  });

  it('writes a report only when it changed, or as a heartbeat while it holds something; reads every round', async () => {
    let clock = 5_000_000;
    const store = createMemoryLimitStore();
    const writes: number[] = [];
    let reads = 0;
    const counted = {
      ...store,
      publish: async (...args: Parameters<typeof store.publish>) => {
        writes.push(clock);
        return store.publish(...args);
      },
      readAll: async () => {
        reads++;
        return store.readAll();
      },
    };
    const limiter = createOrgLimiter({ rates: { read: { ratePerSecond: 0.001, burst: 100 }, write: { ratePerSecond: 1, burst: 100 }, execute: { ratePerSecond: 1, burst: 100 } }, waitsPerOrg: 1, now: () => clock });
    const sync = startLimitSync({ limiter, store: counted, replicaId: 'r', intervalMs: 60_000, logger: silent, now: () => clock });
    await sync.syncNow(); // the first, empty report
    await sync.syncNow(); // nothing changed: no write
    limiter.take('read', 'org-a');
    await sync.syncNow(); // changed
    clock += 100;
    await sync.syncNow(); // unchanged, heartbeat not due
    clock += 120_000;
    await sync.syncNow(); // heartbeat: a quarter of the staleness bound (8 intervals) has passed
    expect(writes).toEqual([5_000_000, 5_000_000, 5_120_100]);
    expect(reads).toBe(5);
    await sync.stop();
  });

  it('decides on the request path in about a microsecond, without I/O', () => {
    const limiter = createOrgLimiter({ rates: { read: { ratePerSecond: 1e5, burst: 1e6 }, write: { ratePerSecond: 1e5, burst: 1e6 }, execute: { ratePerSecond: 1e5, burst: 1e6 } }, waitsPerOrg: 10 });
    const n = 200_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) limiter.take('read', `org-${i % 500}`);
    const nsPerTake = Number(process.hrtime.bigint() - started) / n;
    process.stdout.write(`[limits] ${nsPerTake.toFixed(0)} ns per take over 500 orgs\n`);
    expect(nsPerTake).toBeLessThan(5_000);
  });
});
