import { Writable } from 'node:stream';
import type { StepDefinition } from '@botwot/shared/events';
import type { WorkflowVersion } from '@botwot/shared/db';
import { createMetrics } from '@botwot/shared/observability';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from './app.js';
import { ApiError, notFound } from './errors.js';
import { createOrgLimiter } from './limits/org-limiter.js';
import { allowAllSenders } from './sender-check.js';
import type { ChannelStore } from './stores/channel-store.js';
import type { ExecutionStarter, StartRequest } from './start-execution.js';
import type { ExecutionStore, ExecutionView } from './stores/execution-store.js';
import type { WorkflowStore, WorkflowSummary } from './stores/workflow-store.js';

// The gateway's HTTP behaviour through createApp + app.request(), with in-memory stores:
// limits the local stack sets too high to reach (rate, body size) and error mapping.

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const BODY_LIMIT = 4096;
const LEAK = /\n\s+at |node_modules|\.[cm]?[jt]s:\d+|"stack"/;

/** Workflows in a Map; every replace is a new version, as in Mongo. */
function memoryWorkflows(): WorkflowStore & { count(orgId: string): number } {
  const rows = new Map<string, { orgId: string; name: string; description?: string | undefined; status: 'active' | 'archived'; versions: StepDefinition[][]; createdAt: Date; updatedAt: Date }>();
  let next = 0;
  const summary = (id: string): WorkflowSummary => {
    const r = rows.get(id)!;
    return { id, name: r.name, ...(r.description ? { description: r.description } : {}), status: r.status, version: r.versions.length, createdAt: r.createdAt, updatedAt: r.updatedAt };
  };
  return {
    async create(input) {
      const id = `wf${String(++next).padStart(22, '0')}`;
      const now = new Date();
      rows.set(id, { orgId: input.orgId, name: input.name, description: input.description, status: 'active', versions: [structuredClone(input.steps)], createdAt: now, updatedAt: now });
      return summary(id);
    },
    async list(orgId, page) {
      const mine = [...rows.entries()].filter(([, r]) => r.orgId === orgId && (!page.status || r.status === page.status));
      return { items: mine.slice(page.skip, page.skip + page.limit).map(([id]) => summary(id)), total: mine.length };
    },
    async get(orgId, id, version) {
      const r = rows.get(id);
      if (!r || r.orgId !== orgId) return null;
      const v = version ?? r.versions.length;
      const steps = r.versions[v - 1];
      if (!steps) return null;
      const workflow = { _id: id, orgId, userId: 'u', name: r.name, status: r.status, latestVersion: r.versions.length, createdAt: r.createdAt, updatedAt: r.updatedAt };
      return { workflow, version: v, steps: structuredClone(steps) } as unknown as WorkflowVersion;
    },
    async replace(orgId, id, input) {
      const r = rows.get(id);
      if (!r || r.orgId !== orgId) return null;
      r.versions.push(structuredClone(input.steps));
      if (input.name) r.name = input.name;
      r.updatedAt = new Date();
      return summary(id);
    },
    async archive(orgId, id) {
      const r = rows.get(id);
      if (!r || r.orgId !== orgId) return null;
      r.status = 'archived';
      return summary(id);
    },
    count: (orgId) => [...rows.values()].filter((r) => r.orgId === orgId).length,
  };
}

function memoryExecutions(rows: ExecutionView[] = []): ExecutionStore {
  return {
    async list(q) {
      const mine = rows.filter((r) => r.orgId === q.orgId && r.workflowId === q.workflowId && (!q.status || r.status === q.status));
      return { items: mine.slice(q.skip, q.skip + q.limit), total: mine.length };
    },
    get: async (orgId, executionId) => rows.find((r) => r.orgId === orgId && r.executionId === executionId) ?? null,
    logs: async () => [],
  };
}

/** Does what the real starter checks, then records the request instead of publishing it. */
function recordingStarter(workflows: WorkflowStore): ExecutionStarter & { calls: StartRequest[] } {
  const calls: StartRequest[] = [];
  const start = async (req: StartRequest) => {
    const wf = await workflows.get(req.caller.orgId, req.workflowId, req.version);
    if (!wf) throw notFound('workflow');
    if (wf.workflow.status === 'archived') throw new ApiError(409, 'WORKFLOW_ARCHIVED', 'workflow is archived; it cannot run');
    calls.push(req);
    return { executionId: `exec-${calls.length}`, version: wf.version, replayed: false };
  };
  return Object.assign(start, { calls });
}

const noChannels: ChannelStore = { list: async () => [], register: async () => 'full', remove: async () => null };
const noOwners = { ownerOf: async () => null, forget: () => undefined };

const steps = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'w' },
  { stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'hi {{message_text}}' } },
];

/** A dependency of routes these tests do not call (live streams, dead letters): any use throws. */
const notUsedHere = <T extends object>(name: string): T =>
  new Proxy({} as T, {
    get: () => {
      throw new Error(`${name} is not part of the app tests`);
    },
  });

const token = (orgId: string) =>
  new SignJWT({ orgId }).setProtectedHeader({ alg: 'HS256' }).setSubject('user-1').setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

describe('gateway app (in-memory stores)', () => {
  let clock: number;
  let workflows: ReturnType<typeof memoryWorkflows>;
  let starter: ReturnType<typeof recordingStarter>;
  let logLines: string[];
  let app: ReturnType<typeof createApp>;
  let deps: AppDeps;

  beforeEach(() => {
    clock = 1_000_000;
    workflows = memoryWorkflows();
    starter = recordingStarter(workflows);
    logLines = [];
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        logLines.push(chunk.toString());
        done();
      },
    });
    deps = {
      workflows,
      executions: memoryExecutions(),
      start: starter,
      cancel: async () => undefined,
      limits: createOrgLimiter({
        rates: { execute: { ratePerSecond: 1, burst: 2 }, read: { ratePerSecond: 1_000, burst: 1_000 }, write: { ratePerSecond: 1_000, burst: 1_000 } },
        waitsPerOrg: 5,
        now: () => clock,
      }),
      channels: noChannels,
      owners: noOwners,
      senders: allowAllSenders,
      waitMaxSeconds: 5,
      auth: { secret: SECRET },
      bodyLimitBytes: BODY_LIMIT,
      logger: pino({ level: 'info' }, sink),
      metrics: createMetrics('gateway-unit'),
      readiness: async () => ({ ok: true }),
      feed: notUsedHere('the lifecycle feed'),
      ended: notUsedHere('the ended-execution reader'),
      streams: { heartbeatMs: 15_000, recheckMs: 5_000, openWaitMs: 1_000 },
      deadLetters: notUsedHere('the dead-letter tool'),
    };
    app = createApp(deps);
  });

  const call = async (method: string, path: string, opts: { orgId?: string; body?: BodyInit; json?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${await token(opts.orgId ?? 'org-a')}`, ...opts.headers };
    let body = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  };

  const expectError = (res: { status: number; body: any; text: string }, status: number, code: string) => {
    expect(res.status, res.text).toBe(status);
    expect(res.body).toEqual({ success: false, error: { code, message: expect.any(String) } });
    expect(res.text).not.toMatch(LEAK);
  };

  const createWorkflow = async (orgId = 'org-a') => {
    const res = await call('POST', '/workFlow', { orgId, json: { name: 'wf', steps } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  it('serves the API with the in-memory stores (the baseline the limits below differ from)', async () => {
    const id = await createWorkflow();
    expect((await call('GET', `/workFlow/${id}`)).body).toMatchObject({ id, version: 1, steps });
    const started = await call('POST', `/workFlow/${id}/execute`, { json: { triggerData: { phone_number: '+1555' } } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ success: true, executionId: 'exec-1', status: 'running' });
    expect(starter.calls[0]).toMatchObject({ workflowId: id, mode: 'live', caller: { orgId: 'org-a', userId: 'user-1' } });
  });

  it('answers 429 RATE_LIMITED with Retry-After once an org has used its burst, per org, and lets it through after the wait', async () => {
    const id = await createWorkflow();
    const other = await createWorkflow('org-b');
    const run = (orgId = 'org-a', wf = id) => call('POST', `/workFlow/${wf}/execute`, { orgId, json: { triggerData: {} } });
    expect((await run()).status).toBe(202);
    expect((await call('POST', `/workFlow/${id}/test`, { json: { triggerData: {} } })).status).toBe(202);

    const limited = await run();
    expectError(limited, 429, 'RATE_LIMITED');
    // the window (burst / rate = 2 s) is full: the next fits once half of the next window has passed
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(starter.calls).toHaveLength(2);
    // retry counts against the same budget
    const retried = await call('POST', '/workFlow/execution/exec-1/retry', { json: { from: 'start' } });
    expectError(retried, 429, 'RATE_LIMITED');
    // reads count against their own limit; another org has its own window
    expect((await call('GET', `/workFlow/${id}`)).status).toBe(200);
    expect((await run('org-b', other)).status).toBe(202);
    expect(starter.calls).toHaveLength(3);

    clock += 3000;
    expect((await run()).status).toBe(202);
    expectError(await run(), 429, 'RATE_LIMITED');
  });

  it('answers 413 PAYLOAD_TOO_LARGE to a body over the limit, with or without Content-Length, and stores nothing', async () => {
    const huge = { name: 'big', steps: [{ ...steps[0], config: { triggerType: 'whatsapp', pad: 'x'.repeat(BODY_LIMIT) } }] };
    const declared = await call('POST', '/workFlow', { json: huge });
    expectError(declared, 413, 'PAYLOAD_TOO_LARGE');
    // the unread rest of the body is still on the socket: the client must not reuse the connection
    expect(declared.headers.get('connection')).toBe('close');

    const text = JSON.stringify(huge);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < text.length; i += 1000) controller.enqueue(new TextEncoder().encode(text.slice(i, i + 1000)));
        controller.close();
      },
    });
    const res = await app.request('/workFlow', {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('org-a')}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const streamed = await res.text();
    expectError({ status: res.status, text: streamed, body: JSON.parse(streamed) }, 413, 'PAYLOAD_TOO_LARGE');
    expect(res.headers.get('connection')).toBe('close');

    const id = await createWorkflow();
    expectError(await call('POST', `/workFlow/${id}/execute`, { json: { triggerData: { blob: 'y'.repeat(BODY_LIMIT) } } }), 413, 'PAYLOAD_TOO_LARGE');
    expect(workflows.count('org-a')).toBe(1);
    expect(starter.calls).toHaveLength(0);
    // just under the limit is fine
    expect((await call('POST', `/workFlow/${id}/execute`, { json: { triggerData: { blob: 'y'.repeat(BODY_LIMIT - 200) } } })).status).toBe(202);
  });

  it('answers 401 in the error shape before reading a body, and 500 without internals when a store throws', async () => {
    const res = await app.request('/workFlow', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', steps }) });
    const text = await res.text();
    expectError({ status: res.status, text, body: JSON.parse(text) }, 401, 'UNAUTHORIZED');
    expect(workflows.count('org-a')).toBe(0);

    deps.workflows.list = async () => {
      throw new Error('connection pool exploded at /srv/secret/path.ts:12');
    };
    const failed = await call('GET', '/workFlow');
    expectError(failed, 500, 'INTERNAL');
    expect(failed.text).not.toContain('exploded');
    expect(logLines.join('')).toContain('exploded');
  });

  it('documents in /openapi.json every route it serves, and serves every route documented', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const served = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`));
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    expect([...served].sort()).toEqual([...documented].sort());
    expect(served.size).toBeGreaterThan(25);
  });

  it('answers with an X-Request-Id: the one sent when it is usable, a new one otherwise; log lines of the request carry it', async () => {
    const sent = await app.request('/workFlow', { headers: { authorization: `Bearer ${await token('org-r')}`, 'x-request-id': 'req-abc_123' } });
    expect(sent.headers.get('x-request-id')).toBe('req-abc_123');
    const made = await app.request('/healthz');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const unusable = await app.request('/healthz', { headers: { 'x-request-id': 'has spaces; and / slashes' } });
    expect(unusable.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    deps.workflows.list = async () => {
      throw new Error('exploded');
    };
    const failed = await createApp(deps).request('/workFlow', { headers: { authorization: `Bearer ${await token('org-r')}`, 'x-request-id': 'req-failing-1' } });
    expect(failed.status).toBe(500);
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'unhandled error');
    expect(line).toMatchObject({ requestId: 'req-failing-1' });
  });
});
