import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { asWire, body, createRouter, errors, json } from '../api/openapi.js';
import { executionLogSchema, executionSchema, executionStatusSchema, executionSummarySchema, pageFields } from '../api/schemas.js';
import type { AuthEnv } from '../auth.js';
import { ApiError, notFound } from '../errors.js';
import type { ExecutionCanceller } from '../cancel-execution.js';
import { requestFingerprint } from '../idempotency.js';
import type { OrgLimiter } from '../limits/org-limiter.js';
import { retryStartOf } from '../retry/retry-of.js';
import type { ExecutionStarter } from '../start-execution.js';
import type { ExecutionStore } from '../stores/execution-store.js';
import type { WorkflowStore } from '../stores/workflow-store.js';
import { ID_PATTERN, unstorableAt } from '../validation.js';
import { waitForEnd } from '../wait-for-end.js';

const executeBody = z.object({
  triggerData: z
    .record(z.string(), z.unknown())
    .superRefine((data, ctx) => {
      const bad = unstorableAt(data);
      if (bad) ctx.addIssue({ code: 'custom', path: bad.path, message: bad.message });
    })
    .openapi({ example: { phone_number: '+919876543210', message_text: 'I need a loan of 50,000' } }),
});
const waitQuery = (max: number) =>
  z.object({ wait: z.coerce.number().min(0).max(max).optional().openapi({ description: `seconds to wait for the end (at most ${max}); answers 200 with the execution when it ends in time` }) });
const listQuery = z.object({
  status: z.enum(['running', 'completed', 'failed', 'cancelled', 'all']).optional(),
  dateRange: z.enum(['24h', '7d', '30d', 'all']).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const retryBody = z.object({
  from: z.enum(['start', 'failed_step']).default('start'),
  version: z.enum(['original', 'latest']).default('original'),
});
const cancelBody = z.object({ reason: z.string().max(500).optional() });
const idempotencyKey = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const keyHeader = z.object({
  'idempotency-key': z.string().optional().openapi({ description: 'the same request with the same key answers the first executionId (`replayed: true`); 1-200 printable ASCII characters' }),
});

const workflowParams = z.object({ id: z.string().openapi({ description: 'the workflow id' }) });
const executionParams = z.object({ executionId: z.string().openapi({ description: 'the execution id' }) });
const started = z.object({ success: z.literal(true), executionId: z.string(), status: z.literal('running'), mode: z.enum(['live', 'test']), version: z.int(), replayed: z.literal(true).optional() }).openapi('ExecutionStarted');
const endedInTime = z
  .object({ success: z.literal(true), executionId: z.string(), status: executionStatusSchema, execution: executionSchema, logs: z.array(executionLogSchema), mode: z.enum(['live', 'test']), version: z.int(), replayed: z.literal(true).optional() })
  .openapi('ExecutionEnded');
const oneExecution = z.object({ success: z.literal(true), execution: executionSchema, logs: z.array(executionLogSchema) }).openapi('ExecutionWithLogs');

const tags = ['executions'];
const startRoute = (path: '/{id}/execute' | '/{id}/test', max: number) =>
  createRoute({
    method: 'post',
    path,
    tags,
    summary: path.endsWith('test') ? 'Test-run the latest version: actions are simulated, nothing is sent' : 'Run the latest version with this trigger data',
    request: { params: workflowParams, query: waitQuery(max), headers: keyHeader, body: body(executeBody) },
    responses: { 202: json(started, 'Accepted; it runs'), 200: json(endedInTime, 'With ?wait=: it ended in time'), ...errors(400, 404, 409, 413, 415, 422, 429) },
  });
const routes = {
  list: createRoute({
    method: 'get', path: '/{id}/executions', tags, summary: "A workflow's executions, newest first",
    request: { params: workflowParams, query: listQuery },
    responses: { 200: json(z.object({ success: z.literal(true), executions: z.array(executionSummarySchema), ...pageFields }), 'One page'), ...errors(400, 404, 429) },
  }),
  get: createRoute({
    method: 'get', path: '/execution/{executionId}', tags, summary: 'One execution with its step logs in step order',
    request: { params: executionParams },
    responses: { 200: json(oneExecution, 'The execution'), ...errors(404, 429) },
  }),
  cancel: createRoute({
    method: 'post', path: '/execution/{executionId}/cancel', tags, summary: 'Cancel a running execution: no further step starts; a step already running may finish',
    request: { params: executionParams, body: body(cancelBody) },
    responses: { 202: json(z.object({ success: z.literal(true), executionId: z.string(), status: z.literal('cancelling') }), 'Cancel requested'), ...errors(400, 404, 409, 413, 415, 429) },
  }),
  retry: createRoute({
    method: 'post', path: '/execution/{executionId}/retry', tags, summary: 'Run an ended execution again with the same trigger data',
    request: { params: executionParams, headers: keyHeader, body: body(retryBody) },
    responses: {
      202: json(z.object({ success: z.literal(true), executionId: z.string(), status: z.literal('running'), retryOf: z.string(), from: z.enum(['start', 'failed_step']), version: z.int(), replayed: z.literal(true).optional() }), 'The new execution runs'),
      ...errors(400, 404, 409, 413, 415, 422, 429),
    },
  }),
};

const RANGE_MS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;

function id(value: string, what: string): string {
  if (!ID_PATTERN.test(value)) throw notFound(what);
  return value;
}

export interface ExecutionRouteDeps {
  workflows: WorkflowStore;
  executions: ExecutionStore;
  start: ExecutionStarter;
  cancel: ExecutionCanceller;
  limits: OrgLimiter;
  waitMaxSeconds: number;
}

/** Execute, test-run, list, read and retry executions. */
export function executionRoutes(deps: ExecutionRouteDeps) {
  const app = createRouter<AuthEnv>();

  /** A slot for one `?wait=` of this org (they are bounded per org), taken before anything starts. */
  const waitSlot = (c: Context<AuthEnv>, wait: number | undefined) => {
    if (!wait || wait <= 0) return () => undefined;
    const release = deps.limits.acquireWait(c.get('caller').orgId);
    if (!release) throw new ApiError(429, 'WAIT_LIMITED', 'too many requests of this organisation are waiting for executions; retry later or call without ?wait', undefined, { 'Retry-After': '1' });
    return release;
  };

  const keyOf = (c: Context<AuthEnv>, request: Parameters<typeof requestFingerprint>[0]) => {
    const header = c.req.header('idempotency-key');
    if (header === undefined) return undefined;
    const key = idempotencyKey.safeParse(header);
    if (!key.success) throw new ApiError(400, 'VALIDATION_FAILED', 'invalid Idempotency-Key header', [{ field: 'Idempotency-Key', message: key.error.issues[0]?.message }]);
    return { key: key.data, fingerprint: requestFingerprint(request) };
  };

  /** 202 with the id, or, with ?wait=, the ended execution (200) when it ends in time. */
  const answer = async (c: Context<AuthEnv>, executionId: string, wait: number | undefined, extra: { mode: 'live' | 'test'; version: number; replayed?: true }) => {
    if (wait && wait > 0) {
      const ended = await waitForEnd(deps.executions, c.get('caller').orgId, executionId, wait, c.req.raw.signal);
      if (ended && ended.status !== 'running') {
        const logs = await deps.executions.logs(c.get('caller').orgId, executionId);
        return c.json(asWire(endedInTime, { success: true, executionId, status: ended.status, execution: ended, logs, ...extra }), 200);
      }
    }
    return c.json({ success: true as const, executionId, status: 'running' as const, ...extra }, 202);
  };

  for (const [path, mode] of [['/{id}/execute', 'live'], ['/{id}/test', 'test']] as const) {
    app.openapi(startRoute(path, deps.waitMaxSeconds), async (c) => {
      const workflowId = id(c.req.param('id'), 'workflow');
      const triggerData = c.req.valid('json').triggerData;
      const idempotency = keyOf(c, { route: mode === 'live' ? 'execute' : 'test', target: workflowId, body: triggerData });
      const { wait } = c.req.valid('query');
      const release = waitSlot(c, wait);
      try {
        const started = await deps.start({ caller: c.get('caller'), workflowId, triggerData, mode, idempotency });
        return await answer(c, started.executionId, wait, { mode, version: started.version, ...(started.replayed ? { replayed: true as const } : {}) });
      } finally {
        release();
      }
    });
  }

  app.openapi(routes.list, async (c) => {
    const { orgId } = c.get('caller');
    const workflowId = id(c.req.param('id'), 'workflow');
    if (!(await deps.workflows.get(orgId, workflowId))) throw notFound('workflow');
    const q = c.req.valid('query');
    const since = q.dateRange && q.dateRange !== 'all' ? new Date(Date.now() - RANGE_MS[q.dateRange]) : undefined;
    const { items, total } = await deps.executions.list({
      orgId,
      workflowId,
      status: q.status === 'all' ? undefined : q.status,
      since,
      skip: (q.page - 1) * q.limit,
      limit: q.limit,
    });
    return c.json({ success: true as const, executions: asWire(z.array(executionSummarySchema), items), total, page: q.page, limit: q.limit, pages: Math.ceil(total / q.limit) }, 200);
  });

  app.openapi(routes.get, async (c) => {
    const { orgId } = c.get('caller');
    const executionId = id(c.req.param('executionId'), 'execution');
    const execution = await deps.executions.get(orgId, executionId);
    if (!execution) throw notFound('execution');
    return c.json(asWire(oneExecution, { success: true, execution, logs: await deps.executions.logs(orgId, executionId) }), 200);
  });

  app.openapi(routes.cancel, async (c) => {
    const executionId = id(c.req.param('executionId'), 'execution');
    await deps.cancel({ caller: c.get('caller'), executionId, reason: c.req.valid('json').reason });
    return c.json({ success: true as const, executionId, status: 'cancelling' as const }, 202);
  });

  app.openapi(routes.retry, async (c) => {
    const caller = c.get('caller');
    const executionId = id(c.req.param('executionId'), 'execution');
    const idempotency = keyOf(c, { route: 'retry', target: executionId, body: c.req.valid('json') });
    const original = await deps.executions.get(caller.orgId, executionId, { withResumeState: true });
    if (!original) throw notFound('execution');
    const body = c.req.valid('json');
    const { resume: _resume, ...retry } = retryStartOf(original, body);
    const started = await deps.start({ caller, ...retry, idempotency });
    return c.json({ success: true as const, executionId: started.executionId, status: 'running' as const, retryOf: executionId, from: body.from, version: started.version, ...(started.replayed ? { replayed: true as const } : {}) }, 202);
  });

  return app;
}
