import { inject } from 'vitest';
import { devToken } from '@botwot/launcher';
import { createSpecCheck, type SpecCheck } from './spec-check.js';

let specCheck: Promise<SpecCheck> | undefined;
/** The gateway's OpenAPI document, read once per test file. */
const spec = (base: string) => (specCheck ??= fetch(`${base}/openapi.json`).then(async (res) => createSpecCheck(await res.json())));

/**
 * A small client for the gateway as the BotWot app calls it, with a token for one org; `baseUrl`
 * aims it at another gateway replica. Every answer is checked against the gateway's OpenAPI
 * document (route, declared status, JSON schema): one that does not match fails the test.
 */
export async function apiAs(orgId: string, userId = `user-of-${orgId}`, opts: { baseUrl?: string } = {}) {
  const system = inject('system');
  const token = await devToken({ orgId, userId, secret: system.jwtSecret });
  const base = opts.baseUrl ?? system.gatewayUrl;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    const problem = (await spec(system.gatewayUrl))(method, `${base}${path}`, res.status, res.headers.get('content-type'), json);
    if (problem) throw new Error(`answer not as the OpenAPI document says: ${problem}`);
    return { status: res.status, body: json, headers: res.headers };
  };
  return {
    orgId,
    token,
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call('POST', path, body ?? {}, headers),
    put: (path: string, body: unknown) => call('PUT', path, body),
    delete: (path: string) => call('DELETE', path),
    raw: call,
  };
}
export type Api = Awaited<ReturnType<typeof apiAs>>;

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, opts: { timeoutMs?: number; what: string }): Promise<T> {
  const until = Date.now() + (opts.timeoutMs ?? 30_000);
  let last: unknown;
  for (let wait = 50; ; wait = Math.min(500, wait * 2)) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${opts.what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** Waits until an execution has ended and returns it with its logs. */
export async function ended(api: Api, executionId: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const res = await api.get(`/workFlow/execution/${executionId}`);
      return res.status === 200 && res.body.execution.status !== 'running' ? (res.body as { execution: any; logs: any[] }) : undefined;
    },
    { timeoutMs, what: `execution ${executionId} to end` },
  );
}
