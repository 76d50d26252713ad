import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBotCore } from './botcore.js';
import type { StandIn } from './http.js';
import { DEFAULT_KNOBS, Faults, parseKnobs } from './knobs.js';

let bot: StandIn;
beforeAll(async () => {
  bot = await startBotCore();
});
afterAll(() => bot.close());
beforeEach(() => bot.reset());

const ask = () =>
  fetch(`${bot.url}/qna`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: 'q', uuid: 'u' }),
  });

async function statuses(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await ask()).status);
  return out;
}

const admin = (path: string, body?: unknown) =>
  fetch(`${bot.url}/__admin/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });

describe('knobs (in-process)', () => {
  it('latencyMs delays answers', async () => {
    bot.setKnobs({ latencyMs: 120 });
    const t0 = performance.now();
    expect((await ask()).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it('errorRate 1 fails every request with 503 and an error body', async () => {
    bot.setKnobs({ errorRate: 1 });
    const res = await ask();
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { message: expect.stringContaining('Injected failure'), type: 'StandInFault', code: 503 } });
    expect(await statuses(9)).toEqual(Array(9).fill(503));
  });

  it('errorRate 0.5 fails about half, deterministically after reset', async () => {
    bot.setKnobs({ errorRate: 0.5 });
    const first = await statuses(60);
    const failures = first.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(15);
    expect(failures).toBeLessThan(45);
    bot.reset();
    bot.setKnobs({ errorRate: 0.5 });
    expect(await statuses(60)).toEqual(first);
  });

  it('failNext fails exactly n requests with errorStatus', async () => {
    bot.setKnobs({ failNext: 2, errorStatus: 500 });
    expect(await statuses(4)).toEqual([500, 500, 200, 200]);
    expect(bot.knobs().failNext).toBe(0);
    expect(bot.requests().map((r) => r.status)).toEqual([500, 500, 200, 200]);
  });

  it('429 answers carry Retry-After', async () => {
    bot.setKnobs({ failNext: 1, errorStatus: 429, retryAfterSeconds: 7 });
    const res = await ask();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    const ok = await ask();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('retry-after')).toBeNull();
  });

  it('rejects invalid knob values', () => {
    expect(() => bot.setKnobs({ errorRate: 2 })).toThrow(/errorRate/);
    expect(() => bot.setKnobs({ failNext: -1 })).toThrow(/failNext/);
    expect(parseKnobs({ bogus: 1 })).toBe("unknown knob 'bogus'");
    expect(parseKnobs({ slowShare: 1.5 })).toBe('slowShare must be a number in 0..1');
    expect(parseKnobs({ slowMs: -1 })).toBe('slowMs must be a number >= 0');
    expect(parseKnobs({ slowShare: 0.02, slowMs: 5_000 })).toEqual({ slowShare: 0.02, slowMs: 5_000 });
    expect(parseKnobs({ latencyMs: 5, faultPhase: 'after' })).toEqual({ latencyMs: 5, faultPhase: 'after' });
  });

  it('reset restores defaults and clears the journal', async () => {
    bot.setKnobs({ errorRate: 1, latencyMs: 5 });
    await ask();
    bot.reset();
    expect(bot.knobs()).toEqual(DEFAULT_KNOBS);
    expect(bot.requests()).toEqual([]);
    expect((await ask()).status).toBe(200);
  });

  it('slowShare slows that share of requests by slowMs, with its own seeded draw', () => {
    const f = new Faults();
    f.set({ latencyMs: 20, slowMs: 5_000, slowShare: 0 });
    expect(Array.from({ length: 100 }, () => f.planDelay())).toEqual(Array(100).fill({ ms: 20, slow: false }));
    f.set({ slowShare: 1 });
    expect(f.planDelay()).toEqual({ ms: 5_020, slow: true });
    f.set({ slowShare: 0.1 });
    const draws = Array.from({ length: 1_000 }, () => f.planDelay().slow);
    const slow = draws.filter(Boolean).length;
    expect(slow).toBeGreaterThan(60);
    expect(slow).toBeLessThan(140);
    f.reset();
    f.set({ latencyMs: 20, slowMs: 5_000, slowShare: 0.1 });
    expect(Array.from({ length: 1_000 }, () => f.planDelay().slow)).toEqual(draws);
  });

  it('slow requests do not change which requests an errorRate fails', () => {
    const failures = (slowShare: number) => {
      const f = new Faults();
      f.set({ errorRate: 0.3, slowShare, slowMs: 10 });
      return Array.from({ length: 200 }, () => {
        f.planDelay();
        return f.shouldFail();
      });
    };
    expect(failures(0.5)).toEqual(failures(0));
  });

  it('the slowed requests are journaled apart and marked slow', async () => {
    bot.setKnobs({ slowShare: 1, slowMs: 1 });
    await ask();
    bot.setKnobs({ slowShare: 0 });
    await ask();
    expect(bot.slowRequests()).toEqual([expect.objectContaining({ path: '/qna', slow: true, body: { question: 'q', uuid: 'u' } })]);
    expect(bot.requests().map((r) => r.slow)).toEqual([true, undefined]);
    bot.reset();
    expect(bot.slowRequests()).toEqual([]);
  });

  it('Faults: failNext takes precedence and is consumed', () => {
    const f = new Faults();
    f.set({ failNext: 1 });
    expect([f.shouldFail(), f.shouldFail()]).toEqual([true, false]);
  });
});

describe('knobs and journal over HTTP /__admin', () => {
  it('health reports name and knobs', async () => {
    const res = await admin('health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, name: 'botcore', knobs: DEFAULT_KNOBS });
  });

  it('POST /__admin/knobs sets a partial and 400s on bad input', async () => {
    const res = await admin('knobs', { failNext: 1, errorStatus: 502 });
    expect(res.status).toBe(200);
    expect((await res.json()).knobs).toMatchObject({ failNext: 1, errorStatus: 502, latencyMs: 0 });
    expect((await ask()).status).toBe(502);
    expect((await ask()).status).toBe(200);
    expect((await admin('knobs', { errorRate: 'lots' })).status).toBe(400);
    const malformed = await fetch(`${bot.url}/__admin/knobs`, { method: 'POST', body: '{' });
    expect(malformed.status).toBe(400);
  });

  it('admin routes are not subject to knobs and are not journaled', async () => {
    bot.setKnobs({ errorRate: 1, latencyMs: 0 });
    expect((await admin('health')).status).toBe(200);
    expect((await admin('requests')).status).toBe(200);
    expect(bot.requests()).toEqual([]);
  });

  it('GET /__admin/requests lists requests; POST /__admin/reset clears them and the knobs', async () => {
    await ask();
    const listed = (await (await admin('requests')).json()).requests;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ method: 'POST', path: '/qna', status: 200, body: { question: 'q', uuid: 'u' } });
    await admin('knobs', { errorRate: 1 });
    expect((await admin('reset', {})).status).toBe(200);
    expect((await (await admin('requests')).json()).requests).toEqual([]);
    expect(bot.knobs().errorRate).toBe(0);
  });

  it('GET /__admin/deliveries is empty for BotCore; unknown admin route is 404', async () => {
    expect(await (await admin('deliveries')).json()).toEqual({ deliveries: [] });
    expect((await admin('nope')).status).toBe(404);
  });
});
