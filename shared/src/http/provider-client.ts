import CircuitBreaker from 'opossum';
import { errorForStatus, nonRetryable, retryable, StepError, toStepError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

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

export function createBreaker(provider: string, settings: BreakerSettings, deps: { metrics: Metrics; logger: Logger }): Guarded {
  const breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
    timeout: false,
    errorThresholdPercentage: settings.errorThresholdPercentage,
    resetTimeout: settings.resetTimeoutMs,
    volumeThreshold: settings.volumeThreshold,
    rollingCountTimeout: settings.rollingWindowMs,
    errorFilter: (error: unknown) => error instanceof StepError && error.kind === 'non_retryable',
  });
  const gauge = deps.metrics.breakerState;
  gauge.set({ provider }, 0);
  breaker.on('open', () => {
    gauge.set({ provider }, 1);
    deps.logger.warn({ provider }, 'circuit breaker opened');
  });
  breaker.on('halfOpen', () => gauge.set({ provider }, 0.5));
  breaker.on('close', () => {
    gauge.set({ provider }, 0);
    deps.logger.info({ provider }, 'circuit breaker closed');
  });
  return {
    provider,
    async run<T>(call: () => Promise<T>): Promise<T> {
      try {
        return (await breaker.fire(call)) as T;
      } catch (error) {
        if ((error as { code?: string }).code === 'EOPENBREAKER') {
          throw retryable('BREAKER_OPEN', `circuit breaker for ${provider} is open: ${provider} has been failing`, provider);
        }
        throw toStepError(error, provider);
      }
    },
    state: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half_open' : 'closed'),
    shutdown: () => breaker.shutdown(),
  };
}

/** A JSON-over-HTTP downstream behind its breaker, with a per-call timeout. */
export interface JsonClient {
  readonly provider: string;
  readonly guard: Guarded;
  post(path: string, body: unknown, opts?: { headers?: Record<string, string>; signal?: AbortSignal }): Promise<Record<string, unknown>>;
  request(method: string, path: string, body: unknown, opts?: { headers?: Record<string, string>; signal?: AbortSignal }): Promise<Record<string, unknown>>;
}

export function createJsonClient(opts: { provider: string; baseUrl: string; callTimeoutMs: number; guard: Guarded }): JsonClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const request = async (method: string, path: string, body: unknown, o: { headers?: Record<string, string>; signal?: AbortSignal } = {}) =>
    opts.guard.run(async () => {
      const signals = [AbortSignal.timeout(opts.callTimeoutMs)];
      if (o.signal) signals.push(o.signal);
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, {
          method,
          headers: { 'content-type': 'application/json', accept: 'application/json', ...o.headers },
          body: body === undefined ? null : JSON.stringify(body),
          signal: AbortSignal.any(signals),
        });
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'TimeoutError' || name === 'AbortError') throw retryable('TIMEOUT', `${opts.provider} did not answer within ${opts.callTimeoutMs} ms`, opts.provider, error);
        throw retryable('CONNECTION_FAILED', `${opts.provider} unreachable: ${(error as Error).message}`, opts.provider, error);
      }
      const textBody = await res.text().catch(() => '');
      if (!res.ok) throw errorForStatus(res.status, opts.provider, textBody.slice(0, 300), res.headers.get('retry-after'));
      try {
        const parsed: unknown = textBody ? JSON.parse(textBody) : {};
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        return parsed as Record<string, unknown>;
      } catch {
        throw nonRetryable('BAD_RESPONSE', `${opts.provider} answered with something that is not a JSON object`, opts.provider);
      }
    });
  return { provider: opts.provider, guard: opts.guard, request, post: (path, body, o) => request('POST', path, body, o) };
}
