import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../observability/logger.js';
import { restartAfterCrashes } from './crash-recovery.js';

function fakeConsumer() {
  const emitter = new EventEmitter();
  const events = { CRASH: 'consumer.crash' };
  const consumer = {
    events,
    on: (name: string, listener: (e: unknown) => void) => emitter.on(name, listener),
    connect: vi.fn(async () => undefined),
    disconnect: vi.fn(async () => undefined),
  } as unknown as Consumer;
  const crash = (restart: boolean) => emitter.emit(events.CRASH, { payload: { error: new Error('Failed to find group coordinator'), restart } });
  return { consumer, crash };
}

describe('restartAfterCrashes', () => {
  it('starts the consumer again after a crash kafkajs does not restart from', async () => {
    const { consumer, crash } = fakeConsumer();
    const start = vi.fn(async () => undefined);
    const onCrash = vi.fn();
    const stopping = new AbortController();
    const recovery = restartAfterCrashes({ consumer, logger: createLogger('test', 'silent'), signal: stopping.signal, start, onCrash, onFenced: () => undefined });
    crash(false);
    expect(onCrash).toHaveBeenCalled();
    await vi.waitFor(() => expect(start).toHaveBeenCalledTimes(1), { timeout: 5_000 });
    stopping.abort();
    await recovery.stop();
  });

  it('keeps trying while the restart itself crashes', async () => {
    const { consumer, crash } = fakeConsumer();
    let calls = 0;
    const start = vi.fn(async () => {
      if (++calls === 1) crash(false); // kafkajs reports a failed join as a crash inside run()
    });
    const stopping = new AbortController();
    const recovery = restartAfterCrashes({ consumer, logger: createLogger('test', 'silent'), signal: stopping.signal, start, onCrash: () => undefined, onFenced: () => undefined });
    crash(false);
    await vi.waitFor(() => expect(start).toHaveBeenCalledTimes(2), { timeout: 8_000 });
    stopping.abort();
    await recovery.stop();
  }, 10_000);

  it('leaves restarts after a retriable crash to kafkajs, and does nothing once stopped', async () => {
    const { consumer, crash } = fakeConsumer();
    const start = vi.fn(async () => undefined);
    const stopping = new AbortController();
    const recovery = restartAfterCrashes({ consumer, logger: createLogger('test', 'silent'), signal: stopping.signal, start, onCrash: () => undefined, onFenced: () => undefined });
    crash(true);
    stopping.abort();
    crash(false);
    await recovery.stop();
    expect(start).not.toHaveBeenCalled();
  });
});

describe('restartAfterCrashes when fenced', () => {
  it('does not restart a static member another instance has taken over: it reports it instead', async () => {
    const { consumer } = fakeConsumer();
    const emitter = consumer as unknown as { on: (n: string, l: (e: unknown) => void) => void };
    let crashListener: ((e: unknown) => void) | undefined;
    const spy = { ...emitter, on: (_event: string, l: (e: unknown) => void) => {
        crashListener = l;
      },
      events: { CRASH: 'consumer.crash' } } as unknown as Consumer;
    const start = vi.fn(async () => undefined);
    const fenced = vi.fn();
    const stopping = new AbortController();
    const recovery = restartAfterCrashes({ consumer: spy, logger: createLogger('test', 'silent'), signal: stopping.signal, start, onCrash: () => undefined, onFenced: fenced });
    crashListener?.({ payload: { error: Object.assign(new Error('fenced'), { type: 'FENCED_INSTANCE_ID' }), restart: false } });
    expect(fenced).toHaveBeenCalledTimes(1);
    stopping.abort();
    await recovery.stop();
    expect(start).not.toHaveBeenCalled();
  });
});
