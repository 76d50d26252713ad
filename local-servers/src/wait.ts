export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface WaitForOptions {
  timeoutMs: number;
  intervalMs?: number;
  what: string;
  /** Stops waiting early (rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** Polls `check` until it returns true; a throwing check counts as "not yet". */
export async function waitFor(check: () => Promise<boolean>, opts: WaitForOptions): Promise<void> {
  const interval = opts.intervalMs ?? 250;
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    if (opts.signal?.aborted) throw abortError(opts.signal);
    const left = deadline - Date.now();
    if (left <= 0) {
      const detail = lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})` : "";
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${detail}`);
    }
    await sleep(Math.min(interval, left));
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? "aborted"));
}
