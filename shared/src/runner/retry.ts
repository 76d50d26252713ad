import { retryPolicySchema, type RetryPolicy } from '../events/index.js';
import { StepError, stepTimeout, toStepError } from '../errors/index.js';
import { backoffDelay, sleep } from '../async/index.js';

export interface Try {
  at: string;
  ok: boolean;
  error?: string;
  durationMs: number;
}

/** The default policy: 3 tries, 200 ms doubling to at most 5 s, with jitter. */
export const DEFAULT_RETRY: RetryPolicy = retryPolicySchema.parse({});

/** Backoff before try `n + 1` (n ≥ 1): exponential with full jitter between half and all of it. */
export function backoffMs(policy: RetryPolicy, n: number): number {
  return backoffDelay(n, { initialMs: policy.initialDelayMs, maxMs: policy.maxDelayMs });
}

/**
 * Runs `work` until it succeeds, a non-retryable error, the last try, or the signal (the step's
 * deadline). Every try is recorded for the step log. A retry that would end past the deadline is
 * not started.
 */
export async function runWithRetry<T>(
  work: (tryNumber: number) => Promise<T>,
  opts: { policy: RetryPolicy; signal: AbortSignal; deadline: number },
): Promise<{ ok: true; value: T; tries: Try[] } | { ok: false; error: StepError; tries: Try[] }> {
  const tries: Try[] = [];
  for (let n = 1; ; n++) {
    const started = Date.now();
    try {
      const value = await work(n);
      tries.push({ at: new Date(started).toISOString(), ok: true, durationMs: Date.now() - started });
      return { ok: true, value, tries };
    } catch (raw) {
      const error = opts.signal.aborted && !(raw instanceof StepError) ? stepTimeout() : toStepError(raw);
      tries.push({ at: new Date(started).toISOString(), ok: false, error: `${error.code}: ${error.message}`, durationMs: Date.now() - started });
      if (!error.retryable || n >= opts.policy.maxAttempts || opts.signal.aborted) return { ok: false, error, tries };
      const wait = error.kind === 'retry_after' ? (error.retryAfterMs ?? 1000) : backoffMs(opts.policy, n);
      if (Date.now() + wait >= opts.deadline) return { ok: false, error, tries };
      await sleep(wait, opts.signal);
      if (opts.signal.aborted) return { ok: false, error: stepTimeout(), tries };
    }
  }
}
