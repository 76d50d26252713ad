import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ChannelOwners } from '@botwot/shared/db';
import { createMiddleware } from 'hono/factory';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { lazyChild, mountOpsRoutes, type Logger, type Metrics, type ReadinessCheck } from '@botwot/shared/observability';
import { mountDocsPage } from './api/docs-page.js';
import { openApiDocument, registerPlainRoutes } from './api/document.js';
import { createRouter } from './api/openapi.js';
import { createAuth, type AuthEnv, type AuthSettings, type RequestEnv } from './auth.js';
import { bodyReader, hasBody } from './body.js';
import { ApiError, errorResponse } from './errors.js';
import type { OrgLimiter } from './limits/org-limiter.js';
import { routeClassOf } from './limits/route-class.js';
import { channelRoutes } from './routes/channels.js';
import { consoleRoutes } from './routes/console.js';
import { executionRoutes, type ExecutionRouteDeps } from './routes/executions.js';
import { streamRoutes, type StreamRouteDeps } from './routes/streams.js';
import { bulkRetryRoutes } from './routes/bulk-retry.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import type { DlqTool } from '@botwot/shared/dead-letters';
import { workflowRoutes } from './routes/workflows.js';
import type { SenderCheck } from './sender-check.js';
import type { ChannelStore } from './stores/channel-store.js';

export interface AppDeps extends ExecutionRouteDeps, StreamRouteDeps {
  auth: AuthSettings;
  bodyLimitBytes: number;
  channels: ChannelStore;
  owners: ChannelOwners;
  senders: SenderCheck;
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck;
  /** the dead-letter tool's reading, checks and replay, for /workFlow/dead-letters */
  deadLetters: DlqTool;
}

/** Counts the request against its org's limit for its route class (reads, writes, executes). */
function orgLimits(limits: OrgLimiter) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const cls = routeClassOf(c.req.method, c.req.path);
    const taken = limits.take(cls, c.get('caller').orgId);
    if (!taken.ok) {
      throw new ApiError(429, 'RATE_LIMITED', `too many ${cls} requests for this organisation; slow down`, undefined, { 'Retry-After': String(taken.retryAfterSeconds) });
    }
    await next();
  });
}

/**
 * The gateway's HTTP app: ops routes, the OpenAPI document and its docs page open; /workFlow and
 * /channels behind the JWT and the org's limits. Every answer carries X-Request-Id, and every log
 * line of the request carries it as `requestId`.
 */
export function createApp(deps: AppDeps): OpenAPIHono<RequestEnv> {
  const app = createRouter<RequestEnv>();
  app.use('*', requestId({ limitLength: 200 }));
  app.use('*', async (c, next) => {
    c.set('logger', lazyChild(deps.logger, { requestId: c.get('requestId') }));
    await next();
  });
  app.use('*', secureHeaders());
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath || 'unmatched';
    deps.metrics.httpDuration.observe({ method: c.req.method, route, status: String(c.res.status) }, (performance.now() - started) / 1000);
  });
  mountOpsRoutes(app, { metrics: deps.metrics, readiness: deps.readiness });
  registerPlainRoutes(app);
  const document = openApiDocument(app);
  app.get('/openapi.json', (c) => c.json(document()));
  mountDocsPage(app);

  // Connection: close, because the rest of an unread (chunked) body stays on the socket: a client
  // reusing the connection would have its next request fail.
  const tooLarge = () => new ApiError(413, 'PAYLOAD_TOO_LARGE', `request body is larger than ${deps.bodyLimitBytes} bytes`, undefined, { Connection: 'close' });
  const auth = createAuth(deps.auth);
  const limits = orgLimits(deps.limits);
  const body = bodyReader({ maxSize: deps.bodyLimitBytes, tooLarge });
  const guarded = () => {
    const api = createRouter<AuthEnv>();
    api.use('*', body.checkDeclared);
    api.use('*', auth);
    api.use('*', limits);
    // A body sent as anything but JSON would otherwise read as `{}` and, say, retry from the start.
    api.use('*', async (c, next) => {
      const type = c.req.header('content-type') ?? '';
      if (hasBody(c) && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
      }
      await next();
    });
    api.use('*', body.read);
    return api;
  };

  const workflows = guarded();
  // before the workflow routes: /dead-letters is not a workflow id
  workflows.route('/', deadLetterRoutes(deps));
  workflows.route('/', streamRoutes(deps));
  workflows.route('/', bulkRetryRoutes(deps));
  workflows.route('/', executionRoutes(deps));
  workflows.route('/', workflowRoutes(deps));
  app.route('/workFlow', workflows);
  app.route('/channels', guarded().route('/', channelRoutes(deps)));
  // the operations console: static files, no token needed to load them (every API call it makes sends one)
  app.route('/', consoleRoutes());

  app.notFound((c) => c.json({ success: false, error: { code: 'NOT_FOUND', message: 'no such route' } }, 404));
  app.onError((error, c) => errorResponse(error, c, c.get('logger') ?? deps.logger));
  return app;
}
