import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpTransport } from './http-transport.js';

/**
 * A provider in another thread (its own event loop, as a real provider has its own process) that
 * answers every request after 10 ms and closes a kept-alive connection once it has been idle for
 * 100 ms, earlier than the keep-alive timeout it announces (5 s), as providers behind proxies do.
 */
const SERVER = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = http.createServer((req, res) => {
  clearTimeout(req.socket.idle);
  req.resume();
  req.on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 10));
  res.on('finish', () => { req.socket.idle = setTimeout(() => req.socket.destroy(), 100); });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

describe('the HTTP transport', () => {
  let worker: Worker;
  let port: number;
  beforeAll(async () => {
    worker = new Worker(SERVER, { eval: true });
    port = await new Promise<number>((resolve) => worker.once('message', resolve));
  });
  afterAll(() => worker.terminate());

  const burst = (transport: ReturnType<typeof createHttpTransport>, n: number) =>
    Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        transport.send({ method: 'POST', url: new URL(`http://127.0.0.1:${port}/qna/${i}`), headers: {}, body: '{}', signal: new AbortController().signal }),
      ),
    );

  it('sends again on a new connection when a kept-alive one turns out closed by the provider: a burst after an idle spell loses no call', async () => {
    const transport = createHttpTransport();
    try {
      const warm = await burst(transport, 20);
      expect(warm.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
      // Idle past the provider's keep-alive timeout while this thread is busy, so its closes are not
      // yet read when the next burst takes the pooled connections (a runner catching up a backlog).
      await new Promise((resolve) => setTimeout(resolve, 20));
      const until = Date.now() + 500;
      while (Date.now() < until);
      const after = await burst(transport, 20);
      const failed = after.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      expect(failed).toEqual([]);
    } finally {
      transport.close();
    }
  });
});
