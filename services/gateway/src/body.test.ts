import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyReader } from './body.js';

const LIMIT = 1_000;

/** Through @hono/node-server, as the gateway runs: the body comes from the Node request. */
describe('request bodies under @hono/node-server', () => {
  let server: ServerType;
  let port: number;
  let reads = 0;
  beforeAll(async () => {
    const body = bodyReader({ maxSize: LIMIT, tooLarge: () => new HTTPException(413, { res: new Response('too large', { status: 413, headers: { connection: 'close' } }) }) });
    const app = new Hono();
    app.use('*', body.checkDeclared);
    // stands for authentication: a refused caller's body is never read
    app.use('*', async (c, next) => (c.req.header('authorization') === 'ok' ? next() : c.text('who are you', 401)));
    app.use('*', body.read);
    // mounted twice, as a router may run it twice for one path: the body is still read once
    app.use('/echo', body.read);
    app.post('/echo', async (c) => {
      reads++;
      return c.json({ got: await c.req.json(), again: await c.req.json() });
    });
    app.get('/echo', (c) => c.text('no body'));
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** One request on its own connection; `chunks` are written as they are (chunked when no Content-Length is given). */
  const send = (method: string, headers: Record<string, string>, chunks: string[] = [], endBody = true) =>
    new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/echo', method, headers: { authorization: 'ok', 'content-type': 'application/json', ...headers }, agent: false }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }));
      });
      req.on('error', reject);
      for (const c of chunks) req.write(c);
      if (endBody) req.end();
      else req.flushHeaders();
    });

  it('hands the JSON body to c.req.json(), read once, with or without a Content-Length', async () => {
    const json = JSON.stringify({ triggerData: { message_text: 'hello' } });
    expect(JSON.parse((await send('POST', { 'content-length': String(json.length) }, [json])).body)).toEqual({ got: { triggerData: { message_text: 'hello' } }, again: { triggerData: { message_text: 'hello' } } });
    const chunked = await send('POST', {}, [json.slice(0, 10), json.slice(10)]);
    expect(JSON.parse(chunked.body).got).toEqual({ triggerData: { message_text: 'hello' } });
    expect((await send('GET', {})).body).toBe('no body');
  });

  it('refuses a declared length over the limit before reading any of it, and a chunked body once it passes the limit', async () => {
    const before = reads;
    // the body is never sent: the answer cannot depend on reading it
    const declared = await send('POST', { 'content-length': String(LIMIT + 1) }, [], false);
    expect([declared.status, declared.connection]).toEqual([413, 'close']);
    const chunked = await send('POST', {}, ['['.padEnd(600, ' '), ' '.repeat(600), ']']);
    expect([chunked.status, chunked.connection]).toEqual([413, 'close']);
    expect(reads).toBe(before);
  });

  it('does not read the body of a request refused before it', async () => {
    const refused = await send('POST', { authorization: 'nope', 'content-length': '100' }, [], false);
    expect(refused.status).toBe(401);
  });
});
