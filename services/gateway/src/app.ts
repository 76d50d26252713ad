import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { mountOpsRoutes, type Logger, type Metrics, type ReadinessCheck } from '@botwot/shared/observability';
import { createAuth, type AuthEnv, type AuthSettings } from './auth.js';
import { ApiError, errorResponse } from './errors.js';
import { executionRoutes, type ExecutionRouteDeps } from './routes/executions.js';
import { workflowRoutes } from './routes/workflows.js';

export interface AppDeps extends ExecutionRouteDeps {
  auth: AuthSettings;
  bodyLimitBytes: number;
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck;
}

/** The gateway's HTTP app: ops routes open, everything under /workFlow behind the JWT. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use('*', secureHeaders());
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath || 'unmatched';
    deps.metrics.httpDuration.observe({ method: c.req.method, route, status: String(c.res.status) }, (performance.now() - started) / 1000);
  });
  mountOpsRoutes(app, { metrics: deps.metrics, readiness: deps.readiness });

  const api = new Hono<AuthEnv>();
  // Connection: close, because the rest of an unread (chunked) body stays on the socket: a client
  // reusing the connection would have its next request fail.
  const tooLarge = () => new ApiError(413, 'PAYLOAD_TOO_LARGE', `request body is larger than ${deps.bodyLimitBytes} bytes`, undefined, { Connection: 'close' });
  api.use('*', bodyLimit({ maxSize: deps.bodyLimitBytes, onError: () => { throw tooLarge(); } }));
  api.use('*', createAuth(deps.auth));
  // A body sent as anything but JSON would otherwise read as `{}` and, say, retry from the start.
  api.use('*', async (c, next) => {
    const hasBody = c.req.header('content-length') !== undefined ? c.req.header('content-length') !== '0' : c.req.header('transfer-encoding') !== undefined;
    const type = c.req.header('content-type') ?? '';
    if (hasBody && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    }
    await next();
  });
  api.route('/', executionRoutes(deps));
  api.route('/', workflowRoutes(deps));
  app.route('/workFlow', api);

  app.notFound((c) => c.json({ success: false, error: { code: 'NOT_FOUND', message: 'no such route' } }, 404));
  app.onError((error, c) => errorResponse(error, c, deps.logger));
  return app;
}
