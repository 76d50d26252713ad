import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Env, Hono } from 'hono';

/** The Swagger UI files the page loads, served from the npm package `swagger-ui-dist` (no CDN). */
const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
} as const;
export const DOCS_ASSETS = Object.keys(ASSETS) as (keyof typeof ASSETS)[];

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>BotWot execution engine API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// validatorUrl: null, or the page would send the spec to an outside validator
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  persistAuthorization: false,
});
`;

// Everything the page loads comes from this server; Swagger UI sets inline styles and shows data: images.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Serves the interactive API docs at `/docs`: the page, its init script and the package's assets, read once at start. */
export function mountDocsPage<E extends Env>(app: Hono<E>): void {
  const dir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const files = new Map(DOCS_ASSETS.map((name) => [name, readFileSync(path.join(dir, name))]));
  const headers = (type: string) => ({ 'content-type': type, 'content-security-policy': CSP, 'cache-control': 'public, max-age=3600' });
  app.get('/docs', (c) => c.html(PAGE, 200, { 'content-security-policy': CSP }));
  app.get('/docs/init.js', (c) => c.body(INIT, 200, headers('text/javascript; charset=utf-8')));
  app.get('/docs/:asset', (c) => {
    const name = c.req.param('asset') as keyof typeof ASSETS;
    const file = Object.hasOwn(ASSETS, name) ? files.get(name) : undefined;
    if (!file) return c.json({ success: false, error: { code: 'NOT_FOUND', message: 'no such file' } }, 404);
    return c.body(new Uint8Array(file), 200, headers(ASSETS[name]));
  });
}
