import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';

/** One file of the built console, held in memory (the whole console is well under 100 kB). */
interface Asset {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer> | undefined;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The console talks only to this gateway and loads nothing from elsewhere: no inline script or
 * style, no framing, no forms posting anywhere.
 */
const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build` puts the console: the `@botwot/console` workspace's dist/public. */
export function defaultConsoleDir(): string {
  const pkg = createRequire(import.meta.url).resolve('@botwot/console/package.json');
  return path.join(path.dirname(pkg), 'dist', 'public');
}

async function loadAssets(dir: string): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  const add = async (name: string, file: string) => {
    const type = TYPES[path.extname(file)];
    if (!type) return;
    const body = new Uint8Array(await fs.readFile(file));
    const compressible = body.length > 512 && !type.startsWith('image/');
    assets.set(name, { body, gzip: compressible ? new Uint8Array(gzipSync(body, { level: 9 })) : undefined, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  };
  await add('index.html', path.join(dir, 'index.html'));
  for (const entry of await fs.readdir(path.join(dir, 'assets'), { withFileTypes: true })) {
    if (entry.isFile()) await add(`assets/${entry.name}`, path.join(dir, 'assets', entry.name));
  }
  return assets;
}

/**
 * `GET /console`: the operations console's static files (mount at the root: the paths are whole), built by `npm run build` and served from
 * memory. Asset names carry a content hash, so they are cached for good; the page itself is
 * revalidated. Only files the build wrote are served (names are looked up, never joined into a
 * path). Without a build, /console says how to make one.
 */
export function consoleRoutes(opts: { dir?: string } = {}): OpenAPIHono {
  const app = new OpenAPIHono();
  describeRoutes(app);
  const dir = opts.dir ?? defaultConsoleDir();
  let loading: Promise<Map<string, Asset>> | undefined;
  let loadedFrom: number | undefined;
  const assets = () => {
    loading ??= loadAssets(dir).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  /** A rebuild (`npm run build` while the gateway runs) writes a new index.html: load the new files. */
  const fresh = async () => {
    const mtime = await fs.stat(path.join(dir, 'index.html')).then((s) => s.mtimeMs, () => undefined);
    if (mtime !== loadedFrom) {
      loading = undefined;
      loadedFrom = mtime;
    }
    return assets();
  };

  const send = (c: Context, asset: Asset, cache: string) => {
    c.header('Content-Type', asset.type);
    c.header('Cache-Control', cache);
    c.header('ETag', asset.etag);
    c.header('Vary', 'Accept-Encoding');
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304);
    if (asset.gzip && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      c.header('Content-Encoding', 'gzip');
      return c.body(asset.gzip);
    }
    return c.body(asset.body);
  };

  const page = async (c: Context) => {
    let all: Map<string, Asset>;
    try {
      all = await fresh();
    } catch {
      return c.json({ success: false, error: { code: 'CONSOLE_NOT_BUILT', message: 'the console is not built: run npm run build' } }, 404);
    }
    const index = all.get('index.html');
    if (!index) return c.json({ success: false, error: { code: 'CONSOLE_NOT_BUILT', message: 'the console is not built: run npm run build' } }, 404);
    c.header('Content-Security-Policy', CONSOLE_CSP);
    return send(c, index, 'no-cache');
  };
  app.get('/console', page);
  app.get('/console/', page);
  app.get('/console/index.html', page);
  app.get('/console/assets/:name', async (c) => {
    const asset = await assets()
      .then((all) => all.get(`assets/${c.req.param('name')}`))
      .catch(() => undefined);
    if (!asset) return c.json({ success: false, error: { code: 'NOT_FOUND', message: 'no such console file' } }, 404);
    return send(c, asset, 'public, max-age=31536000, immutable');
  });
  return app;
}

/** The console's files in the OpenAPI document (every served route is described there), open like /docs. */
function describeRoutes(app: OpenAPIHono): void {
  const open = { security: [], tags: ['operations'] };
  const page = { 200: { description: 'The console (a single page; sign in with a token)', content: { 'text/html': { schema: z.string() } } }, 404: { description: 'The console is not built (CONSOLE_NOT_BUILT)' } };
  for (const path of ['/console', '/console/', '/console/index.html']) {
    app.openAPIRegistry.registerPath({ method: 'get', path, summary: 'The operations console', ...open, responses: page });
  }
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/console/assets/{name}',
    summary: "The console's script, stylesheet and icon, as `npm run build` wrote them (content-hashed names)",
    ...open,
    request: { params: z.object({ name: z.string() }) },
    responses: {
      200: { description: 'The file', content: { 'text/javascript': { schema: z.string() }, 'text/css': { schema: z.string() }, 'image/svg+xml': { schema: z.string() }, 'application/json': { schema: z.string() } } },
      304: { description: 'Not modified (If-None-Match)' },
      404: { description: 'No such file' },
    },
  });
}
