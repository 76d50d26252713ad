import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Env, type Schema } from 'hono';
import type { Metrics } from './metrics.js';

export type ReadinessCheck = () => Promise<Record<string, boolean>>;

/** Adds /healthz (the process is alive), /readyz (its dependencies answer) and /metrics to a Hono app. */
export function mountOpsRoutes<E extends Env, S extends Schema, B extends string>(app: Hono<E, S, B>, deps: { metrics: Metrics; readiness: ReadinessCheck }): Hono<E, S, B> {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks = await deps.readiness().catch(() => ({ readiness: false }));
    const ready = Object.values(checks).every(Boolean);
    return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const body = await deps.metrics.registry.metrics();
    return c.text(body, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  return app;
}

/** Serves only the ops routes, for services that have no API of their own. Resolves once listening. */
export async function startOpsServer(port: number, deps: { metrics: Metrics; readiness: ReadinessCheck }): Promise<{ port: number; close(): Promise<void> }> {
  const app = mountOpsRoutes(new Hono(), deps);
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch: app.fetch, port, hostname: '0.0.0.0' }, (info) => {
      resolve({
        port: info.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
