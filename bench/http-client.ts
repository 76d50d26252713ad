/**
 * The benchmark client's HTTP: node:http over one keep-alive pool. The global fetch costs several
 * times more CPU per request (streams, Headers, an AbortSignal per call), and this client shares
 * the machine with the stack it measures: what it spends, the stack cannot.
 */
import http from 'node:http';

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface HttpClient {
  /** Rejects on a connection error, or with a `TimeoutError` when no whole answer came within `timeoutMs`. */
  request(method: string, path: string, opts: { headers: Record<string, string>; body?: string; timeoutMs: number }): Promise<HttpAnswer>;
  close(): void;
}

export function createHttpClient(baseUrl: string, opts: { maxSockets?: number } = {}): HttpClient {
  const base = new URL(baseUrl);
  if (base.protocol !== 'http:') throw new Error(`the benchmark client speaks http only, not ${base.protocol}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 1024 });

  const send = (method: string, path: string, o: { headers: Record<string, string>; body?: string; timeoutMs: number }, retried: boolean): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const body = o.body === undefined ? undefined : Buffer.from(o.body);
      const req = http.request(
        { host: base.hostname, port: base.port, path: `${base.pathname.replace(/\/$/, '')}${path}`, method, agent, headers: { ...o.headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${o.timeoutMs} ms`), { name: 'TimeoutError' })), o.timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        // a pooled connection the gateway closed as idle: the request did not reach it
        if (!retried && req.reusedSocket && error.code === 'ECONNRESET') resolve(send(method, path, o, true));
        else reject(error);
      });
      req.end(body);
    });

  return { request: (method, path, o) => send(method, path, o, false), close: () => agent.destroy() };
}
