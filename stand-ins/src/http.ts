/**
 * Tiny node:http harness shared by the HTTP stand-ins: JSON bodies, request journal,
 * failure/latency knobs, the /__admin/* routes and an Idempotency-Key store.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults, Journal, parseKnobs, type Knobs, type RecordedRequest } from './knobs.js';

export interface StandInRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body; undefined when the body was empty. */
  body: unknown;
}

export interface StandInResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: StandInRequest) => StandInResponse | Promise<StandInResponse>;

export interface StandIn {
  readonly url: string;
  readonly port: number;
  setKnobs(k: Partial<Knobs>): void;
  knobs(): Knobs;
  reset(): void;
  requests(): RecordedRequest[];
  /** The requests the `slowShare` knob slowed down (a journal of their own, so they outlive the main one's limit). */
  slowRequests(): RecordedRequest[];
  close(): Promise<void>;
}

export interface HttpStandInOptions {
  name: string;
  port?: number;
  host?: string;
  /** Omit for an admin-only server (the SMTP stand-in's side port). */
  handler?: Handler;
  faults?: Faults;
  journal?: Journal<RecordedRequest>;
  deliveries?: () => unknown[];
  /** Clears stand-in specific state (deliveries, idempotency keys) on reset. */
  onReset?: () => void;
}

const MAX_BODY = 1024 * 1024;

/** JSON error in the Graph API error shape, used by every stand-in: { error: { message, type, code } }. */
export function apiError(status: number, message: string, type = 'StandInError', code: number = status): StandInResponse {
  return { status, body: { error: { message, type, code } } };
}

export function header(req: StandInRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function bearerToken(req: StandInRequest): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '');
  return m?.[1]?.trim();
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/**
 * Idempotency-Key dedupe: the first successful (2xx) answer per (method, path, key) is stored and
 * replayed for repeats (with header `Idempotent-Replayed: true`); a repeat with a different body
 * gets 422. `fn` must be synchronous so check-and-store is atomic.
 */
export class IdempotencyStore {
  private readonly seen = new Map<string, { fingerprint: string; response: StandInResponse }>();

  run(req: StandInRequest, fn: () => StandInResponse): StandInResponse {
    const key = header(req, 'idempotency-key');
    if (!key) return fn();
    const scope = `${req.method} ${req.path} ${key}`;
    const fingerprint = stableStringify(req.body);
    const hit = this.seen.get(scope);
    if (hit) {
      if (hit.fingerprint !== fingerprint) {
        return apiError(422, `Idempotency-Key '${key}' was already used with a different request body`, 'IdempotencyError');
      }
      return { ...hit.response, headers: { ...hit.response.headers, 'idempotent-replayed': 'true' } };
    }
    const response = fn();
    if (response.status >= 200 && response.status < 300) this.seen.set(scope, { fingerprint, response });
    return response;
  }

  clear(): void {
    this.seen.clear();
  }
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function send(res: http.ServerResponse, r: StandInResponse): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...r.headers };
  if (r.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
  res.writeHead(r.status, headers);
  res.end(r.body === undefined ? undefined : JSON.stringify(r.body));
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function faultResponse(k: Knobs): StandInResponse {
  const r = apiError(k.errorStatus, `Injected failure (stand-in knob, status ${k.errorStatus})`, 'StandInFault');
  if (k.errorStatus === 429) r.headers = { 'retry-after': String(Math.ceil(k.retryAfterSeconds)) };
  return r;
}

function adminRoute(o: Required<Pick<HttpStandInOptions, 'name' | 'faults' | 'journal'>> & HttpStandInOptions, reset: () => void,
  method: string, path: string, raw: string): StandInResponse {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /__admin/health':
      return { status: 200, body: { ok: true, name: o.name, knobs: o.faults.knobs } };
    case 'GET /__admin/knobs':
      return { status: 200, body: { knobs: o.faults.knobs } };
    case 'POST /__admin/knobs': {
      let input: unknown;
      try {
        input = raw.trim() === '' ? {} : JSON.parse(raw);
      } catch {
        return apiError(400, 'Malformed JSON body', 'InvalidRequest');
      }
      const parsed = parseKnobs(input);
      if (typeof parsed === 'string') return apiError(400, parsed, 'InvalidRequest');
      o.faults.set(parsed);
      return { status: 200, body: { knobs: o.faults.knobs } };
    }
    case 'GET /__admin/requests':
      return { status: 200, body: { requests: o.journal.list() } };
    case 'GET /__admin/deliveries':
      return { status: 200, body: { deliveries: o.deliveries ? o.deliveries() : [] } };
    case 'POST /__admin/reset':
      reset();
      return { status: 200, body: { ok: true } };
    default:
      return apiError(404, `No admin route ${route}`, 'NotFound');
  }
}

export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts an HTTP stand-in (or, without `handler`, an admin-only server). */
export async function startHttpStandIn(opts: HttpStandInOptions): Promise<StandIn> {
  const o = { ...opts, faults: opts.faults ?? new Faults(), journal: opts.journal ?? new Journal<RecordedRequest>() };
  const slowJournal = new Journal<RecordedRequest>();
  const reset = (): void => {
    o.faults.reset();
    o.journal.clear();
    slowJournal.clear();
    o.onReset?.();
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const time = new Date().toISOString();
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const method = (req.method ?? 'GET').toUpperCase();
      const path = url.pathname;
      if (raw === null) return send(res, apiError(413, `Body larger than ${MAX_BODY} bytes`, 'InvalidRequest'));
      if (path === '/__admin' || path.startsWith('/__admin/')) return send(res, adminRoute(o, reset, method, path, raw));
      if (!o.handler) return send(res, apiError(404, `Admin-only server: no route ${method} ${path}`, 'NotFound'));
      const handler = o.handler;

      const fail = o.faults.shouldFail();
      const knobs = o.faults.knobs;
      const { slow } = await o.faults.delay();
      let body: unknown;
      let malformed = false;
      if (raw.trim() !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
          malformed = true;
        }
      }
      let r: StandInResponse;
      if (fail && knobs.faultPhase === 'before') r = faultResponse(knobs);
      else if (malformed) r = apiError(400, 'Malformed JSON body', 'InvalidRequest', 100);
      else {
        try {
          r = await handler({ method, path, query: url.searchParams, headers: req.headers, body });
        } catch (err) {
          r = apiError(500, `Stand-in handler error: ${(err as Error).message}`, 'InternalError');
        }
        if (fail) r = faultResponse(knobs);
      }
      const entry: RecordedRequest = {
        method, path, query: Object.fromEntries(url.searchParams), headers: flatHeaders(req.headers), body, time, status: r.status,
        ...(slow ? { slow: true as const } : {}),
      };
      o.journal.push(entry);
      if (slow) slowJournal.push(entry);
      send(res, r);
    })().catch((err: unknown) => send(res, apiError(500, String(err), 'InternalError')));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(opts.host ?? '127.0.0.1')}:${port}`;

  return {
    url,
    port,
    setKnobs: (k) => o.faults.set(k),
    knobs: () => o.faults.knobs,
    reset,
    requests: () => o.journal.list(),
    slowRequests: () => slowJournal.list(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
