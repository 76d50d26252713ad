import { backoffDelay, sleep } from '../../async/index.js';
import { InvalidEventError, type AnyEvent } from '../../events/index.js';
import { StepError } from '../../errors/index.js';
import { DependencyDownError, type Handler, type HandlerContext, type HandlerResult } from '../handlers.js';
import type { Outgoing } from '../publisher.js';

/** Why a message was dead-lettered, as a metric label (the reason itself is free text). */
export type DeadLetterCause = 'invalid_event' | 'handler_failed' | 'output_too_large';

/** What became of one message. */
export type Outcome<R> =
  | { kind: 'ok'; outgoing: Outgoing[]; records: R[] }
  | { kind: 'dead'; reason: string; cause: DeadLetterCause }
  /** no handler for this type on this consumer: committed, nothing sent */
  | { kind: 'ignored' };

export interface RetryOptions {
  /** tries of a handler that throws a retryable error before the message is dead-lettered */
  maxAttempts: number;
  /** aborts when the consumer stops: the message is then left for the next owner */
  signal: AbortSignal;
  /** called while a dependency is down, so the service can report it (metrics, readiness) */
  onDependencyDown?: (down: boolean) => void;
}

export function normalizeResult<R>(result: HandlerResult<R>): { outgoing: Outgoing[]; records: R[] } {
  if (!result) return { outgoing: [], records: [] };
  if (Array.isArray(result)) return { outgoing: result, records: [] };
  return { outgoing: result.outgoing ?? [], records: result.records ?? [] };
}

/**
 * Runs a handler until it gives an answer:
 * - a result: `ok`;
 * - an invalid event or a non-retryable error: `dead` at once;
 * - any other error: tried again with back-off, `dead` after `maxAttempts`;
 * - DependencyDownError (Mongo or Kafka unreachable): tried again for as long as it takes, never
 *   dead-lettered, because the message itself is fine.
 * Returns undefined when the consumer stops before an answer: the message stays uncommitted.
 */
export async function handleWithRetry<R>(handler: Handler<AnyEvent, R>, event: AnyEvent, ctx: HandlerContext, opts: RetryOptions): Promise<Outcome<R> | undefined> {
  let failures = 0;
  let outages = 0;
  for (;;) {
    if (opts.signal.aborted) return undefined;
    try {
      const outcome: Outcome<R> = { kind: 'ok', ...normalizeResult(await handler(event, ctx)) };
      if (outages > 0) opts.onDependencyDown?.(false);
      return outcome;
    } catch (error) {
      if (error instanceof DependencyDownError) {
        if (outages++ === 0) opts.onDependencyDown?.(true);
        ctx.logger.warn({ err: error, outages }, 'a dependency is down; waiting to try again');
        await sleep(backoffDelay(outages, { initialMs: 250, maxMs: 5_000 }), opts.signal);
        continue;
      }
      failures++;
      const retryable = !(error instanceof InvalidEventError) && !(error instanceof StepError && !error.retryable);
      if (!retryable || failures >= opts.maxAttempts) {
        ctx.logger.error({ err: error, attempt: failures }, 'handler failed; dead-lettering the message');
        return { kind: 'dead', reason: `handler failed after ${failures} attempt(s): ${(error as Error).message}`, cause: error instanceof InvalidEventError ? 'invalid_event' : 'handler_failed' };
      }
      ctx.logger.warn({ err: error, attempt: failures }, 'handler failed; retrying');
      await sleep(backoffDelay(failures, { initialMs: 200, maxMs: 5_000 }), opts.signal);
    }
  }
}
