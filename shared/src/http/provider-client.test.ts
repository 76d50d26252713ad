import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDns, type DnsStandIn } from '@botwot/stand-ins';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StepError } from '../errors/index.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createBreakerPool } from './breaker-pool.js';
import { createHttpTransport } from './http-transport.js';
import { createJsonClient } from './provider-client.js';

const deps = { metrics: createMetrics('provider-client-test'), logger: createLogger('test', 'silent') };
const breaker = { errorThresholdPercentage: 50, resetTimeoutMs: 60_000, volumeThreshold: 3, rollingWindowMs: 10_000 };

/** A server that records every request and answers per path: /redirect → 307 to /target, /fail → 503, else 200 JSON. */
async function recordingServer() {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/redirect')) res.writeHead(307, { location: '/target/records' }).end();
    else if (req.url?.startsWith('/fail')) res.writeHead(503).end('{}');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'ok', url: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const failure = async (promise: Promise<unknown>): Promise<StepError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StepError);
  return error as StepError;
};

describe('JSON clients over the HTTP transport', () => {
  let server: Awaited<ReturnType<typeof recordingServer>>;
  let dns: DnsStandIn;

  beforeAll(async () => {
    server = await recordingServer();
    dns = await startDns({ records: { 'partner.test': ['127.0.0.1'], 'mixed.test': ['127.0.0.1', '169.254.169.254'], 'metadata.test': ['169.254.169.254'] } });
  });
  afterAll(async () => {
    await server.close();
    await dns.close();
  });
  beforeEach(() => void server.seen.splice(0));

  const client = (baseUrl: string, outbound?: { allowPrivate: boolean }) => {
    const transport = createHttpTransport(outbound ? { outbound: { ...outbound, dnsServers: [dns.server] } } : {});
    return createJsonClient({ provider: 'crm', baseUrl, callTimeoutMs: 2_000, breakers: createBreakerPool(breaker, deps), transport });
  };

  it('appends path segments with the URL API and calls the base URL it was given', async () => {
    const res = await client(`http://127.0.0.1:${server.port}/api`).post(['records', 'a?b#c'], { x: 1 }, { orgId: 'org-a' });
    expect(res).toEqual({ id: 'ok', url: '/api/records/a%3Fb%23c' });
    expect(server.seen).toEqual(['POST /api/records/a%3Fb%23c']);
  });

  it('never follows a redirect: a 3xx is a non-retryable REDIRECT_REFUSED, and the target is not called', async () => {
    const error = await failure(client(`http://127.0.0.1:${server.port}/redirect`).post(['records'], {}, { orgId: 'org-a' }));
    expect(error).toMatchObject({ code: 'REDIRECT_REFUSED', kind: 'non_retryable', provider: 'crm' });
    expect(server.seen).toEqual(['POST /redirect/records']);
  });

  it('checks every address a name resolves to when it connects: one link-local address refuses the whole name', async () => {
    for (const name of ['mixed.test', 'metadata.test']) {
      const error = await failure(client(`http://${name}:${server.port}/api`, { allowPrivate: true }).post(['records'], {}, { orgId: 'org-a' }));
      expect(error, name).toMatchObject({ code: 'OUTBOUND_ADDRESS_REFUSED', kind: 'non_retryable' });
      expect(error.message).toContain('169.254.169.254');
    }
    expect(server.seen).toEqual([]);
  });

  it('refuses loopback names and literals without the local allowance, and reaches them with it', async () => {
    for (const base of [`http://partner.test:${server.port}/api`, `http://127.0.0.1:${server.port}/api`, `http://localhost:${server.port}/api`]) {
      const error = await failure(client(base, { allowPrivate: false }).post(['records'], {}, { orgId: 'org-a' }));
      expect(error, base).toMatchObject({ code: 'OUTBOUND_ADDRESS_REFUSED' });
    }
    expect(server.seen).toEqual([]);
    expect(await client(`http://partner.test:${server.port}/api`, { allowPrivate: true }).post(['records'], {}, { orgId: 'org-a' })).toMatchObject({ id: 'ok' });
    expect(server.seen).toEqual(['POST /api/records']);
  });

  it('opens the breaker for the org whose calls fail, not for another org the provider serves', async () => {
    const pool = createBreakerPool(breaker, deps);
    const transport = createHttpTransport();
    const failing = createJsonClient({ provider: 'crm', baseUrl: `http://127.0.0.1:${server.port}/fail`, callTimeoutMs: 2_000, breakers: pool, transport });
    const healthy = createJsonClient({ provider: 'crm', baseUrl: `http://127.0.0.1:${server.port}/ok`, callTimeoutMs: 2_000, breakers: pool, transport });
    for (let i = 0; i < 4; i++) await failing.post(['x'], {}, { orgId: 'org-a' }).catch(() => undefined);
    expect(pool.guard('crm', 'org-a').state()).toBe('open');
    expect((await failure(healthy.post(['x'], {}, { orgId: 'org-a' }))).code).toBe('BREAKER_OPEN');
    expect(await healthy.post(['x'], {}, { orgId: 'org-b' })).toMatchObject({ id: 'ok' });
    expect(pool.guard('crm', 'org-b').state()).toBe('closed');
    const gauge = await deps.metrics.registry.getSingleMetricAsString('botwot_breakers_open_orgs');
    expect(gauge).toMatch(/botwot_breakers_open_orgs\{provider="crm"[^}]*\} 1$/m);
    pool.shutdown();
    transport.close();
  });

  it('keeps at most maxEntries breakers, dropping the least recently used', async () => {
    const pool = createBreakerPool(breaker, deps, { maxEntries: 3 });
    const first = pool.guard('crm:a.example', 'org-1');
    for (let i = 2; i <= 50; i++) pool.guard(`crm:host-${i}.example`, `org-${i}`);
    expect(pool.size()).toBe(3);
    expect(pool.guard('crm:a.example', 'org-1')).not.toBe(first);
    pool.shutdown();
    expect(pool.size()).toBe(0);
    // the gauge keeps no series for providers that have no breaker any more
    expect(await deps.metrics.registry.getSingleMetricAsString('botwot_breaker_open')).not.toContain('crm:host-');
  });

  it('counts every call through the breakers by outcome: success, failure, caller error, rejected', async () => {
    const metrics = createMetrics('breaker-counts-test');
    const pool = createBreakerPool(breaker, { metrics, logger: deps.logger });
    const transport = createHttpTransport();
    const at = (path: string, provider: string) => createJsonClient({ provider, baseUrl: `http://127.0.0.1:${server.port}/${path}`, callTimeoutMs: 2_000, breakers: pool, transport });
    await at('ok', 'counted').post(['x'], {}, { orgId: 'org-a' });
    for (let i = 0; i < 4; i++) await at('fail', 'counted').post(['x'], {}, { orgId: 'org-a' }).catch(() => undefined);
    await at('redirect', 'counted').post(['x'], {}, { orgId: 'org-b' }).catch(() => undefined);
    const text = await metrics.registry.getSingleMetricAsString('botwot_breaker_calls_total');
    const count = (outcome: string) => Number(new RegExp(`botwot_breaker_calls_total\\{provider="counted",outcome="${outcome}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
    // the breaker opens once 3 calls were made and half failed (1 success, 2 failures): the last two are not sent
    expect({ success: count('success'), failure: count('failure'), rejected: count('rejected'), caller_error: count('caller_error') }).toEqual({ success: 1, failure: 2, rejected: 2, caller_error: 1 });
    pool.shutdown();
    transport.close();
    expect(await metrics.registry.getSingleMetricAsString('botwot_breaker_calls_total')).not.toContain('provider="counted"');
  });
});
