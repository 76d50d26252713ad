import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { DOCS_ASSETS } from './docs-page.js';

const INFO = {
  title: 'BotWot workflow execution engine',
  version: '1.0.0',
  description: [
    'Create workflows, run them, follow them live, retry and cancel them.',
    '',
    "Every route under `/workFlow` and `/channels` needs `Authorization: Bearer <JWT>` whose `orgId` scopes every read and write: another organisation's ids answer 404, exactly as unknown ids do.",
    'Errors are `{ success: false, error: { code, message, details? } }`. Every answer carries `X-Request-Id` (the one sent, or a new one); log lines of that request carry it too.',
  ].join('\n'),
};

const text = (description: string, type = 'text/plain') => ({ description, content: { [type]: { schema: z.string() } } });

/** Describes the routes that are not declared with createRoute: the ops endpoints, the spec itself and the docs page. */
export function registerPlainRoutes<E extends Env>(app: OpenAPIHono<E>): void {
  const reg = app.openAPIRegistry;
  reg.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256 with the shared secret or RS256 from the identity provider; `sub` is the user, `orgId` the organisation' });
  const open = { security: [], tags: ['operations'] };
  reg.registerPath({ method: 'get', path: '/healthz', summary: 'The process is alive', ...open, responses: { 200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } } });
  const checks = z.object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), z.boolean()) });
  reg.registerPath({
    method: 'get', path: '/readyz', summary: 'Kafka and Mongo answer', ...open,
    responses: { 200: { description: 'Ready', content: { 'application/json': { schema: checks } } }, 503: { description: 'A dependency does not answer', content: { 'application/json': { schema: checks } } } },
  });
  reg.registerPath({ method: 'get', path: '/metrics', summary: 'Prometheus metrics (see the README for the names)', ...open, responses: { 200: text('Prometheus text exposition format') } });
  reg.registerPath({ method: 'get', path: '/openapi.json', summary: 'This document', ...open, responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } } } });
  reg.registerPath({ method: 'get', path: '/docs', summary: 'Interactive API docs (Swagger UI, served by the gateway)', ...open, responses: { 200: text('The page', 'text/html') } });
  reg.registerPath({ method: 'get', path: '/docs/init.js', summary: "The docs page's start-up script", ...open, responses: { 200: text('JavaScript', 'text/javascript') } });
  reg.registerPath({
    method: 'get', path: '/docs/{asset}', summary: "The docs page's files, from the npm package swagger-ui-dist", ...open,
    request: { params: z.object({ asset: z.enum(DOCS_ASSETS as [string, ...string[]]) }) },
    responses: { 200: { description: 'The file', content: { 'text/css': { schema: z.string() }, 'text/javascript': { schema: z.string() }, 'image/png': { schema: z.string() } } }, 404: { description: 'No such file' } },
  });
}

/** The OpenAPI 3.1 document of everything registered on `app` (built once, on first use). */
export function openApiDocument<E extends Env>(app: OpenAPIHono<E>): () => Record<string, unknown> {
  let doc: Record<string, unknown> | undefined;
  return () =>
    (doc ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: INFO,
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'workflows', description: 'Definitions; every change of steps is a new immutable version' },
        { name: 'executions', description: 'Run, follow, cancel and retry' },
        { name: 'dead letters', description: "Messages the engine could not handle, for the caller's organisation" },
        { name: 'channels', description: 'The senders an organisation may send from' },
        { name: 'operations', description: 'Health, readiness, metrics and these docs; no token needed' },
      ],
    }) as unknown as Record<string, unknown>);
}
