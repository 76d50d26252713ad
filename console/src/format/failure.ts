import type { StepErrorInfo } from '../api/types.js';

/** What stopped a step, in words: the breaker or limit that refused it when it was one of those. */
export interface FailureExplanation {
  /** a short title: "Circuit breaker open", "Rate limited", … */
  title: string;
  /** one sentence on what happened and what it means for a retry */
  detail: string;
  /** breaker and limit refusals are marked so the page can show them apart from ordinary errors */
  kind: 'breaker' | 'limit' | 'timeout' | 'provider' | 'error';
}

/** Explains a recorded error by its code (the engine's typed errors). */
export function explainFailure(error: StepErrorInfo): FailureExplanation {
  const who = error.provider ?? 'the provider';
  if (error.code === 'BREAKER_OPEN') {
    return { kind: 'breaker', title: `Circuit breaker open: ${who}`, detail: `Calls to ${who} were refused without being sent because it had been failing; the breaker lets calls through again after its reset time.` };
  }
  if (error.code === 'RATE_LIMITED') {
    return { kind: 'limit', title: `Rate limited by ${who}`, detail: `${who} answered 429 (too many requests) on every try; retry once its limit has recovered.` };
  }
  if (error.code === 'STATE_TOO_LARGE') {
    return { kind: 'limit', title: 'Size limit', detail: 'The execution’s state grew past the engine’s size limit.' };
  }
  if (error.code === 'STEP_TIMEOUT') return { kind: 'timeout', title: 'Step timeout', detail: 'The step ran past its timeoutMs, every retry included.' };
  if (error.code === 'EXECUTION_TIMEOUT') return { kind: 'timeout', title: 'Execution deadline', detail: 'The execution ran past its deadline.' };
  if (/^UPSTREAM_\d{3}$/.test(error.code)) {
    return { kind: 'provider', title: `${who} answered ${error.code.slice(9)}`, detail: error.kind === 'non_retryable' ? 'A client error: retrying as is will fail the same way.' : 'A server error: tried again with backoff until the tries ran out.' };
  }
  return { kind: 'error', title: error.code, detail: error.kind === 'non_retryable' ? 'Not retryable as is.' : 'Retryable.' };
}
