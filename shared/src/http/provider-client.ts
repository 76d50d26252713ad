import CircuitBreaker from 'opossum';
import { errorForStatus, nonRetryable, retryable, StepError, toStepError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { BreakerPool } from './breaker-pool.js';
import { OutboundAddressRefused } from './checked-lookup.js';
import { ResponseTooLarge, type HttpTransport, type TransportResponse } from './http-transport.js';
import { appendPath } from './url-path.js';

export interface BreakerSettings {
  /** % of failed calls in the rolling window that opens the breaker */
  errorThresholdPercentage: number;
  /** ms the breaker stays open before letting one trial call through */
  resetTimeoutMs: number;
  /** calls in the window before the percentage counts */
  volumeThreshold: number;
  /** rolling window length, ms */
  rollingWindowMs: number;
}

export const DEFAULT_BREAKER: BreakerSettings = { errorThresholdPercentage: 50, resetTimeoutMs: 5_000, volumeThreshold: 10, rollingWindowMs: 10_000 };

/**
 * Guards every call to one downstream with a circuit breaker. Calls that fail for a reason the
 * caller caused (non-retryable: 4xx, bad config) do not count against the downstream.
 */
export interface Guarded {
  readonly provider: string;
  run<T>(call: () => Promise<T>): Promise<T>;
  state(): 'closed' | 'open' | 'half_open';
  shutdown(): void;
}

/** How one call through a breaker ended, as `botwot_breaker_calls_total{outcome}` counts it. */
export const BREAKER_OUTCOMES = ['success', 'failure', 'timeout', 'rejected', 'caller_error'] as const;
export type BreakerOutcome = (typeof BREAKER_OUTCOMES)[number];

/** One breaker; `onChange` hears every state change and `onCall` every call's outcome (breaker-pool.ts keeps the metrics with them). */
export function createBreaker(provider: string, settings: BreakerSettings, deps: { logger: Logger; onChange: () => void; onCall?: (outcome: BreakerOutcome) => void }): Guarded {
  const breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
    timeout: false,
    errorThresholdPercentage: settings.errorThresholdPercentage,
    resetTimeout: settings.resetTimeoutMs,
    volumeThreshold: settings.volumeThreshold,
    rollingCountTimeout: settings.rollingWindowMs,
    errorFilter: (error: unknown) => error instanceof StepError && error.kind === 'non_retryable',
  });
  breaker.on('open', () => {
    deps.onChange();
    deps.logger.warn({ provider }, 'circuit breaker opened');
  });
  breaker.on('halfOpen', () => deps.onChange());
  breaker.on('close', () => {
    deps.onChange();
    deps.logger.info({ provider }, 'circuit breaker closed');
  });
  return {
    provider,
    async run<T>(call: () => Promise<T>): Promise<T> {
      try {
        const value = (await breaker.fire(call)) as T;
        deps.onCall?.('success');
        return value;
      } catch (error) {
        if ((error as { code?: string }).code === 'EOPENBREAKER') {
          deps.onCall?.('rejected');
          throw retryable('BREAKER_OPEN', `circuit breaker for ${provider} is open: ${provider} has been failing`, provider);
        }
        const stepError = toStepError(error, provider);
        deps.onCall?.(stepError.kind === 'non_retryable' ? 'caller_error' : stepError.code === 'TIMEOUT' ? 'timeout' : 'failure');
        throw stepError;
      }
    },
    state: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half_open' : 'closed'),
    shutdown: () => breaker.shutdown(),
  };
}

export interface CallOptions {
  /** whose call this is: each org has its own breaker per provider */
  orgId: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A JSON-over-HTTP downstream behind per-org breakers, with a per-call timeout. */
export interface JsonClient {
  readonly provider: string;
  /** `path` is a list of segments appended to the base URL, each encoded as one segment */
  post(path: readonly string[], body: unknown, opts: CallOptions): Promise<Record<string, unknown>>;
  request(method: string, path: readonly string[], body: unknown, opts: CallOptions): Promise<Record<string, unknown>>;
}

export function createJsonClient(opts: { provider: string; baseUrl: string | URL; callTimeoutMs: number; breakers: BreakerPool; transport: HttpTransport }): JsonClient {
  const base = new URL(opts.baseUrl);
  const request = async (method: string, path: readonly string[], body: unknown, o: CallOptions) => {
    let url: URL;
    try {
      url = appendPath(base, path);
    } catch (error) {
      throw nonRetryable('INVALID_PATH', `${opts.provider}: ${(error as Error).message}`, opts.provider);
    }
    return opts.breakers.guard(opts.provider, o.orgId).run(async () => {
      // one controller and a timer per call: AbortSignal.timeout/any cost more than the call's own work
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), opts.callTimeoutMs);
      const onOuterAbort = () => controller.abort(o.signal?.reason);
      if (o.signal?.aborted) onOuterAbort();
      else o.signal?.addEventListener('abort', onOuterAbort, { once: true });
      let res: TransportResponse;
      try {
        res = await opts.transport.send({
          method,
          url,
          headers: { 'content-type': 'application/json', accept: 'application/json', ...o.headers },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: controller.signal,
        });
      } catch (error) {
        if (error instanceof OutboundAddressRefused) throw nonRetryable('OUTBOUND_ADDRESS_REFUSED', `${opts.provider}: ${error.message}`, opts.provider);
        if (error instanceof ResponseTooLarge) throw nonRetryable('RESPONSE_TOO_LARGE', `${opts.provider}: ${error.message}`, opts.provider);
        const name = (error as Error).name;
        if (name === 'TimeoutError' || name === 'AbortError') throw retryable('TIMEOUT', `${opts.provider} did not answer within ${opts.callTimeoutMs} ms`, opts.provider, error);
        throw retryable('CONNECTION_FAILED', `${opts.provider} unreachable: ${(error as Error).message}`, opts.provider, error);
      } finally {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onOuterAbort);
      }
      if (res.status >= 300 && res.status < 400) {
        throw nonRetryable('REDIRECT_REFUSED', `${opts.provider} answered ${res.status} (a redirect); outbound calls do not follow redirects`, opts.provider);
      }
      if (res.status < 200 || res.status >= 300) throw errorForStatus(res.status, opts.provider, res.body.slice(0, 300), headerOf(res, 'retry-after'));
      try {
        const parsed: unknown = res.body ? JSON.parse(res.body) : {};
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        return parsed as Record<string, unknown>;
      } catch {
        throw nonRetryable('BAD_RESPONSE', `${opts.provider} answered with something that is not a JSON object`, opts.provider);
      }
    });
  };
  return { provider: opts.provider, request, post: (path, body, o) => request('POST', path, body, o) };
}

function headerOf(res: TransportResponse, name: string): string | null {
  const v = res.headers[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}
