import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from './http-client.js';

describe('the benchmark client', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.url === '/base/slow') return void setTimeout(() => res.end('late'), 500);
        res.writeHead(req.method === 'POST' ? 202 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization, body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the method, path under the base URL, headers and body, and returns the status and the whole body', async () => {
    const client = createHttpClient(url);
    const answer = await client.request('POST', '/workFlow/w/execute', { headers: { authorization: 'Bearer t' }, body: '{"a":1}', timeoutMs: 2_000 });
    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body)).toEqual({ method: 'POST', url: '/base/workFlow/w/execute', auth: 'Bearer t', body: '{"a":1}' });
    client.close();
  });

  it('gives up after the timeout with a TimeoutError', async () => {
    const client = createHttpClient(url);
    const error = await client.request('GET', '/slow', { headers: {}, timeoutMs: 100 }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'TimeoutError', message: 'no answer within 100 ms' });
    client.close();
  });
});
