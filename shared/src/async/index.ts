/** Sleeps, unless the signal aborts first (then resolves at once). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The one back-off formula: exponential from `initialMs`, capped at `maxMs`, with jitter between
 * half and all of it (so many clients that failed together do not retry together). `attempt` ≥ 1.
 */
export function backoffDelay(attempt: number, policy: { initialMs: number; maxMs: number }): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
  return Math.round(ceiling * (0.5 + Math.random() * 0.5));
}

/**
 * Settles with `work`, or rejects as soon as the signal aborts: for a call that takes no signal of
 * its own (an SMTP send), so the step's deadline still ends the wait. The call itself may go on.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted at the deadline'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted at the deadline'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
