import type { StepErrorInfo } from '../events/catalog.js';

export type ErrorKind = StepErrorInfo['kind'];

/**
 * The one error type steps throw. `kind` says what to do with it: give up (non_retryable),
 * wait `retryAfterMs` and try again (retry_after), or back off and try again (retryable).
 */
export class StepError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly provider: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(opts: { kind: ErrorKind; code: string; message: string; provider?: string; retryAfterMs?: number; cause?: unknown }) {
    super(opts.message, { cause: opts.cause });
    this.name = 'StepError';
    this.kind = opts.kind;
    this.code = opts.code;
    this.provider = opts.provider;
    this.retryAfterMs = opts.retryAfterMs;
  }

  get retryable(): boolean {
    return this.kind !== 'non_retryable';
  }

  toInfo(stepId?: string): StepErrorInfo {
    return {
      code: this.code,
      message: this.message,
      kind: this.kind,
      ...(this.provider ? { provider: this.provider } : {}),
      ...(stepId ? { stepId } : {}),
    };
  }
}

/** Bad config, bad input, a 4xx: trying again cannot help. */
export function nonRetryable(code: string, message: string, provider?: string): StepError {
  return new StepError({ kind: 'non_retryable', code, message, ...(provider ? { provider } : {}) });
}

/** A transient failure: 5xx, timeout, connection refused, breaker open. */
export function retryable(code: string, message: string, provider?: string, cause?: unknown): StepError {
  return new StepError({ kind: 'retryable', code, message, ...(provider ? { provider } : {}), cause });
}

/** Maps an HTTP status from a downstream to the right kind of error. */
export function errorForStatus(status: number, provider: string, detail: string, retryAfterHeader?: string | null): StepError {
  if (status === 429) {
    const seconds = Number(retryAfterHeader);
    const retryAfterMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
    return new StepError({ kind: 'retry_after', code: 'RATE_LIMITED', message: `${provider} answered 429: ${detail}`, provider, retryAfterMs });
  }
  if (status === 408 || status >= 500) return retryable(`UPSTREAM_${status}`, `${provider} answered ${status}: ${detail}`, provider);
  return nonRetryable(`UPSTREAM_${status}`, `${provider} answered ${status}: ${detail}`, provider);
}

/** The step ran out of time (its timeout or the execution's deadline): trying again cannot help. */
export function stepTimeout(): StepError {
  return new StepError({ kind: 'non_retryable', code: 'STEP_TIMEOUT', message: 'Step execution timeout' });
}

/** Anything thrown that is not a StepError is treated as retryable (the unknown is transient until proven otherwise). */
export function toStepError(error: unknown, provider?: string): StepError {
  if (error instanceof StepError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return retryable('UNEXPECTED', message, provider, error);
}
