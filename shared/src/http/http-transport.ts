import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { addressAllowed } from './address-policy.js';
import { createCheckedLookup, OutboundAddressRefused } from './checked-lookup.js';

export interface TransportRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | undefined;
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The answer was longer than the transport reads. */
export class ResponseTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`response body larger than ${limit} bytes`);
    this.name = 'ResponseTooLarge';
  }
}

export interface HttpTransport {
  send(req: TransportRequest): Promise<TransportResponse>;
  close(): void;
}

/** Errors of a kept-alive connection that the other end closed before it read the request. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);
/** One send plus retries on stale pooled connections: each retry takes the next pooled or a new connection. */
const MAX_SENDS = 4;

/**
 * HTTP(S) over keep-alive agents. It never follows a redirect (a 3xx is handed back as it is),
 * reads at most `maxResponseBytes`, and with `outbound` checks every address a name resolves to
 * when it connects (see checked-lookup.ts); without it, the system resolver is used as is (for the
 * providers the operator configured).
 */
export function createHttpTransport(opts: { outbound?: { allowPrivate: boolean; dnsServers?: string[] | undefined }; maxResponseBytes?: number; maxSockets?: number } = {}): HttpTransport {
  const limit = opts.maxResponseBytes ?? 1024 * 1024;
  const agentOptions = {
    keepAlive: true,
    maxSockets: opts.maxSockets ?? 256,
    ...(opts.outbound ? { lookup: createCheckedLookup(opts.outbound) } : {}),
  };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  return {
    send(req) {
      const secure = req.url.protocol === 'https:';
      if (!secure && req.url.protocol !== 'http:') return Promise.reject(new TypeError(`scheme ${req.url.protocol} not supported`));
      // sockets skip `lookup` for an IP literal, so the outbound check of a literal happens here
      const literal = req.url.hostname.replace(/^\[|\]$/g, '');
      if (opts.outbound && isIP(literal) && !addressAllowed(literal, opts.outbound.allowPrivate)) return Promise.reject(new OutboundAddressRefused(literal, literal));
      const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
      const attempt = (sent: number): Promise<TransportResponse> => new Promise<TransportResponse>((resolve, reject) => {
        const request = (secure ? https : http).request(
          req.url,
          {
            method: req.method,
            agent: secure ? agents['https:'] : agents['http:'],
            headers: { ...req.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
            signal: req.signal,
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > limit) {
                res.destroy();
                reject(new ResponseTooLarge(limit));
                return;
              }
              chunks.push(chunk);
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        request.on('error', (error: NodeJS.ErrnoException) => {
          // A pooled connection reset before any answer: the provider closed it as idle while
          // this process was busy and had not yet read the close, so it did not take the request.
          // It goes again on another connection instead of failing the call and counting against
          // the provider's breaker (calls that change something carry their idempotency key).
          if (request.reusedSocket && STALE_CONNECTION.has(error.code ?? '') && !req.signal.aborted && sent < MAX_SENDS) resolve(attempt(sent + 1));
          else reject(error);
        });
        request.end(body);
      });
      return attempt(1);
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
