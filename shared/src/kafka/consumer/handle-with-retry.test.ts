import { describe, expect, it, vi } from 'vitest';
import { createEvent, InvalidEventError, type AnyEvent } from '../../events/index.js';
import { nonRetryable } from '../../errors/index.js';
import { createLogger } from '../../observability/logger.js';
import { DependencyDownError, type HandlerContext } from '../handlers.js';
import { handleWithRetry } from './handle-with-retry.js';

const ctx: HandlerContext = { topic: 't', partition: 0, offset: '0', logger: createLogger('test', 'silent') };
const event = createEvent('trigger.received', { orgId: 'o', data: { triggerType: 'whatsapp', data: {} } }) as AnyEvent;
const opts = (signal = new AbortController().signal) => ({ maxAttempts: 3, signal });

describe('handleWithRetry', () => {
  it('answers ok with what the handler returned', async () => {
    expect(await handleWithRetry(async () => ({ records: ['r'] }), event, ctx, opts())).toEqual({ kind: 'ok', outgoing: [], records: ['r'] });
  });

  it('dead-letters at once on an invalid event or a non-retryable error', async () => {
    for (const error of [new InvalidEventError('bad'), nonRetryable('NOPE', 'no')]) {
      const handler = vi.fn(async () => Promise.reject(error));
      expect(await handleWithRetry(handler, event, ctx, opts())).toMatchObject({ kind: 'dead' });
      expect(handler).toHaveBeenCalledTimes(1);
    }
  });

  it('retries other errors, then dead-letters after the last attempt', async () => {
    const handler = vi.fn(async () => Promise.reject(new Error('flaky')));
    expect(await handleWithRetry(handler, event, ctx, opts())).toMatchObject({ kind: 'dead', reason: expect.stringContaining('3 attempt') });
    expect(handler).toHaveBeenCalledTimes(3);
  }, 10_000);

  it('waits out a dependency outage for as long as it lasts, and never dead-letters for it', async () => {
    let calls = 0;
    const changes: boolean[] = [];
    const handler = async () => {
      if (++calls <= 4) throw new DependencyDownError('mongo down');
      return [];
    };
    const outcome = await handleWithRetry(handler, event, ctx, { ...opts(), onDependencyDown: (down) => changes.push(down) });
    expect(outcome).toEqual({ kind: 'ok', outgoing: [], records: [] });
    expect(calls).toBe(5);
    expect(changes).toEqual([true, false]);
  }, 20_000);

  it('leaves the message unanswered when the consumer stops', async () => {
    const stopping = new AbortController();
    const handler = async () => {
      stopping.abort();
      throw new DependencyDownError('down');
    };
    expect(await handleWithRetry(handler, event, ctx, opts(stopping.signal))).toBeUndefined();
  });
});
