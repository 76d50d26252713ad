import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** Whether the request says it carries a body (a Content-Length other than 0, or a chunked one). */
export function hasBody(c: Context): boolean {
  const length = c.req.header('content-length');
  return length !== undefined ? length !== '0' : c.req.header('transfer-encoding') !== undefined;
}

/** The Node request under @hono/node-server; absent when the app is called directly (tests' app.request). */
const incomingOf = (c: Context): IncomingMessage | undefined => (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

/**
 * A request's body, held to `maxSize` bytes and read once. Under @hono/node-server it is read
 * straight from the Node request into Hono's body cache, where `c.req.json()` and the validators
 * find it: going through `c.req.raw` would build a full web Request (an AbortController, a web
 * stream over the socket) for every request, GETs included, about a tenth of the gateway's CPU.
 *
 * `checkDeclared` goes before authentication and reads nothing: a declared length over the limit
 * is refused at once. `read` goes after it, so only an authenticated caller's body is read; a
 * chunked body over the limit is refused when it gets there.
 */
export function bodyReader(opts: { maxSize: number; tooLarge: () => Error }): { checkDeclared: MiddlewareHandler; read: MiddlewareHandler } {
  const inMemory = bodyLimit({ maxSize: opts.maxSize, onError: () => { throw opts.tooLarge(); } });
  return {
    async checkDeclared(c, next) {
      if (!incomingOf(c)) return inMemory(c, next);
      const length = c.req.header('content-length');
      if (length !== undefined && c.req.header('transfer-encoding') === undefined && Number.parseInt(length, 10) > opts.maxSize) throw opts.tooLarge();
      await next();
    },
    async read(c, next) {
      const incoming = incomingOf(c);
      // read once per request: a router may run this middleware twice for one path (Hono does for `/workFlow/*`)
      const cached = (c.req.bodyCache as Record<string, unknown>).text !== undefined;
      if (incoming && hasBody(c) && !cached) {
        const text = await readText(incoming, opts.maxSize);
        if (text === undefined) throw opts.tooLarge();
        // Hono keeps each body form as a promise of it (its types say the value)
        (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
      }
      await next();
    },
  };
}

/** The whole body as text, or undefined once it passes `max` bytes (the rest is left unread). */
function readText(incoming: IncomingMessage, max: number): Promise<string | undefined> {
  // a client gone before the middleware ran: its 'close' has passed, and would not come again
  if (incoming.destroyed) return Promise.reject(new Error('the client closed the request before its body ended'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      done();
      incoming.pause();
      resolve(undefined);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks, size).toString('utf8'));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => {
      done();
      reject(new Error('the client closed the request before its body ended'));
    };
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
