import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { executionStartDoc } from '@botwot/shared/db';
import { createRouter, errors } from '../api/openapi.js';
import type { AuthEnv } from '../auth.js';
import { ApiError, notFound } from '../errors.js';
import type { OrgLimiter } from '../limits/org-limiter.js';
import type { EndedReader } from '../live/ended-reader.js';
import { ExecutionFollower } from '../live/execution-follower.js';
import type { LifecycleFeed } from '../live/lifecycle-feed.js';
import { executionView, type ExecutionStore, type ExecutionView } from '../stores/execution-store.js';
import type { WorkflowStore } from '../stores/workflow-store.js';
import { ID_PATTERN } from '../validation.js';

export interface StreamSettings {
  /** ms between comment heartbeats */
  heartbeatMs: number;
  /** ms between a stream's rereads of its execution (catches what the feed could not show) */
  recheckMs: number;
  /** ms an execution stream waits for a just-requested execution to be recorded before answering 404 */
  openWaitMs: number;
  /** aborted when the gateway stops: every open stream ends, so the server can close */
  shutdown?: AbortSignal;
}

export interface StreamRouteDeps {
  executions: ExecutionStore;
  workflows: WorkflowStore;
  feed: LifecycleFeed;
  ended: EndedReader;
  limits: OrgLimiter;
  streams: StreamSettings;
}

const ENDINGS = new Set(['execution.completed', 'execution.failed', 'execution.cancelled']);
const lastEventId = z.string().regex(/^\d{1,9}$/, 'the stepOrder of the last step received');

const sse = (description: string) => ({ description, content: { 'text/event-stream': { schema: z.string().openapi({ description: 'Server-Sent Events' }) } } });

/**
 * Live updates over Server-Sent Events, org-scoped and bounded per org (STREAM_LIMIT_PER_ORG):
 * one execution as it runs, and a workflow's executions as they start and end. Any gateway
 * replica serves any stream: each reads the lifecycle topic itself (lifecycle-feed.ts).
 */
export function streamRoutes(deps: StreamRouteDeps) {
  const app = createRouter<AuthEnv>();
  registerDocs(app);

  /** Holds one of the org's stream slots for as long as the stream is open. */
  const slot = (orgId: string) => {
    const release = deps.limits.acquireStream(orgId);
    if (!release) throw new ApiError(429, 'STREAM_LIMITED', 'this organisation has too many open streams; close one or retry later', undefined, { 'Retry-After': '5' });
    return release;
  };

  /**
   * Runs `body` inside an SSE response with heartbeats until it calls `done` or the client leaves.
   * `send` writes one event; writes go out in call order, and all of them before the stream closes.
   */
  const open = (c: Context<AuthEnv>, release: () => void, body: (send: (event: string, data: unknown, id?: number) => void, done: () => void) => Promise<() => void>) =>
    streamSSE(
      c,
      async (stream: SSEStreamingApi) => {
        let writing = Promise.resolve();
        const send = (event: string, data: unknown, id?: number) => {
          const message = { event, data: JSON.stringify(data), ...(id !== undefined ? { id: String(id) } : {}) };
          writing = writing.then(() => stream.writeSSE(message)).catch(() => finish());
        };
        let finish!: () => void;
        const finished = new Promise<void>((resolve) => (finish = resolve));
        stream.onAbort(finish);
        const shutdown = deps.streams.shutdown;
        if (shutdown?.aborted) finish();
        shutdown?.addEventListener('abort', finish, { once: true });
        const heartbeat = setInterval(() => (writing = writing.then(() => stream.write(': heartbeat\n\n')).then(() => undefined, finish)), deps.streams.heartbeatMs);
        let cleanup: (() => void) | undefined;
        try {
          cleanup = await body(send, finish);
          await finished;
          await writing;
        } finally {
          clearInterval(heartbeat);
          shutdown?.removeEventListener('abort', finish);
          cleanup?.();
          release();
        }
      },
      async (error) => {
        c.get('logger').warn({ err: error }, 'event stream failed');
      },
    );

  app.get('/execution/:executionId/stream', async (c) => {
    const { orgId } = c.get('caller');
    const executionId = c.req.param('executionId');
    if (!ID_PATTERN.test(executionId)) throw notFound('execution');
    const header = c.req.header('last-event-id');
    const resume = header === undefined ? undefined : lastEventId.safeParse(header.trim());
    if (resume && !resume.success) throw new ApiError(400, 'VALIDATION_FAILED', 'invalid Last-Event-ID header', [{ field: 'Last-Event-ID', message: resume.error.issues[0]?.message }]);
    const first = await recorded(orgId, executionId, c.req.raw.signal);
    if (!first) throw notFound('execution');
    const release = slot(orgId);
    const log = c.get('logger').child({ executionId, orgId });
    return open(c, release, async (write, done) => {
      const follower = new ExecutionFollower({
        orgId,
        executionId,
        after: resume?.success ? Number(resume.data) : undefined,
        store: deps.executions,
        ended: deps.ended,
        sink: { execution: (v) => write('execution', v), step: (row) => write('step', row, row.stepOrder), end: (v) => write('end', v) },
        onEnd: done,
      });
      // subscribe first, then read: whatever is recorded after the read passes the feed
      const unsubscribe = deps.feed.subscribe(first.workflowId, (event) => follower.onEvent(event));
      const recheck = setInterval(() => void follower.recheck().catch((error: unknown) => log.warn({ err: error }, 'stream recheck failed')), deps.streams.recheckMs);
      const snapshot = (await deps.executions.get(orgId, executionId)) ?? first;
      await follower.start(snapshot);
      return () => {
        clearInterval(recheck);
        unsubscribe();
        follower.close();
      };
    });
  });

  app.get('/:id/executions/stream', async (c) => {
    const { orgId } = c.get('caller');
    const workflowId = c.req.param('id');
    if (!ID_PATTERN.test(workflowId) || !(await deps.workflows.get(orgId, workflowId))) throw notFound('workflow');
    const release = slot(orgId);
    const log = c.get('logger').child({ workflowId, orgId });
    return open(c, release, async (send) => {
      const write = (view: ExecutionView) => send('execution', view);
      const unsubscribe = deps.feed.subscribe(workflowId, (event) => {
        if (event.orgId !== orgId) return;
        if (event.type === 'execution.started') write(executionView(executionStartDoc(event) as never));
        else if (ENDINGS.has(event.type)) {
          deps
            .ended(orgId, event.executionId as string)
            .then((view) => view && write(view))
            .catch((error: unknown) => log.warn({ err: error, executionId: event.executionId }, 'could not read an ended execution'));
        }
      });
      return unsubscribe;
    });
  });

  /** The execution once the log-sink has recorded its start; a stream may be opened right after execute. */
  async function recorded(orgId: string, executionId: string, signal: AbortSignal): Promise<ExecutionView | null> {
    const until = Date.now() + deps.streams.openWaitMs;
    for (let wait = 25; ; wait = Math.min(500, wait * 2)) {
      const row = await deps.executions.get(orgId, executionId);
      if (row || Date.now() + wait > until || signal.aborted) return row;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  return app;
}

function registerDocs(app: ReturnType<typeof createRouter<AuthEnv>>): void {
  const tags = ['executions'];
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/execution/{executionId}/stream',
    tags,
    summary: 'Follow one execution live (Server-Sent Events)',
    description: [
      'Events: `execution` (data: the same JSON as `execution` in `GET /workFlow/execution/{executionId}`), sent first and again when the status changes;',
      '`step` (data: one log row as in `logs[]`; `id:` its stepOrder), each step once and in step order; `end` (data: the ended execution), after which the server closes the stream.',
      'A comment line (`: heartbeat`) every 15 s keeps proxies from closing an idle stream.',
      '`Last-Event-ID: <stepOrder>` resumes: the `execution` snapshot, then only steps after it.',
      'An execution requested a moment ago may not be recorded yet: the stream waits up to STREAM_OPEN_WAIT_MS (5 s) for it before answering 404.',
    ].join(' '),
    request: {
      params: z.object({ executionId: z.string() }),
      headers: z.object({ 'last-event-id': z.string().regex(/^\d{1,9}$/).optional().openapi({ description: 'the stepOrder of the last step received' }) }),
    },
    responses: { 200: sse('The event stream'), ...errors(400, 404, 429) },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/{id}/executions/stream',
    tags,
    summary: "Follow a workflow's executions live (Server-Sent Events)",
    description:
      '`execution` events (data: an execution summary as in `GET /workFlow/{id}/executions`) when one starts and again when it ends; comment heartbeats every 15 s. The stream stays open until the client closes it.',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: sse('The event stream'), ...errors(404, 429) },
  });
}
