import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from './console.js';

let dir: string;
let app: Hono;
const script = `console.log(${JSON.stringify('x'.repeat(2_000))});`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-assets-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/console/assets/app-1.js"></script>');
  fs.writeFileSync(path.join(dir, 'assets', 'app-1.js'), script);
  fs.writeFileSync(path.join(dir, 'assets', 'notes.txt'), 'not a console file type');
  fs.writeFileSync(path.join(dir, 'build-report.json'), '{}');
  app = new Hono().route('/', consoleRoutes({ dir }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('consoleRoutes', () => {
  it('serves the page at /console and /console/ with a strict CSP, revalidated', async () => {
    for (const url of ['/console', '/console/', '/console/index.html']) {
      const res = await app.request(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect(await res.text()).toContain('/console/assets/app-1.js');
    }
  });

  it('serves hashed assets for good, gzipped when asked, 304 on a matching ETag', async () => {
    const plain = await app.request('/console/assets/app-1.js');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toContain('immutable');
    expect(await plain.text()).toBe(script);
    const zipped = await app.request('/console/assets/app-1.js', { headers: { 'accept-encoding': 'br, gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString()).toBe(script);
    const again = await app.request('/console/assets/app-1.js', { headers: { 'if-none-match': plain.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it('serves nothing but what the build wrote', async () => {
    for (const url of ['/console/assets/missing.js', '/console/assets/notes.txt', '/console/assets/..%2Findex.html', '/console/assets/%2e%2e%2fbuild-report.json', '/console/build-report.json']) {
      const res = await app.request(url);
      expect(res.status, url).toBe(404);
    }
  });

  it('says how to build the console when it is not built', async () => {
    const bare = new Hono().route('/', consoleRoutes({ dir: path.join(dir, 'nowhere') }));
    const res = await bare.request('/console');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'CONSOLE_NOT_BUILT' } });
  });
});

describe('consoleRoutes after a rebuild', () => {
  it('serves the new page and assets once index.html changes', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'console-rebuild-'));
    try {
      fs.mkdirSync(path.join(d, 'assets'));
      fs.writeFileSync(path.join(d, 'index.html'), 'one');
      fs.writeFileSync(path.join(d, 'assets', 'a-1.js'), '1');
      const routes = new Hono().route('/', consoleRoutes({ dir: d }));
      expect(await (await routes.request('/console')).text()).toBe('one');
      fs.writeFileSync(path.join(d, 'assets', 'a-2.js'), '2');
      fs.writeFileSync(path.join(d, 'index.html'), 'two');
      fs.utimesSync(path.join(d, 'index.html'), new Date(), new Date(Date.now() + 5_000));
      expect(await (await routes.request('/console')).text()).toBe('two');
      expect((await routes.request('/console/assets/a-2.js')).status).toBe(200);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
