import { EventEmitter } from 'node:events';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { createEvent, TOPICS } from '../events/index.js';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { jsonCodec } from './codec.js';
import { runConsumer } from './consumer-runtime.js';

/** Just enough of a kafkajs consumer to see how the runtime reacts to crashes. */
function fakeKafka(runBehaviour: (call: number, emitCrash: (restart: boolean) => void) => void) {
  const emitter = new EventEmitter();
  const events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };
  const emitCrash = (restart: boolean) => emitter.emit(events.CRASH, { payload: { error: new Error('Failed to find group coordinator'), restart } });
  let runs = 0;
  const consumer = {
    events,
    on: (name: string, listener: (e: unknown) => void) => emitter.on(name, listener),
    connect: vi.fn(async () => undefined),
    subscribe: vi.fn(async () => undefined),
    disconnect: vi.fn(async () => undefined),
    run: vi.fn(async () => {
      runs++;
      runBehaviour(runs, emitCrash);
      emitter.emit(events.GROUP_JOIN, {});
    }),
  };
  const producer = { connect: vi.fn(async () => undefined), disconnect: vi.fn(async () => undefined), sendBatch: vi.fn(async () => undefined) };
  const kafka = { consumer: () => consumer, producer: () => producer } as unknown as Kafka;
  return { kafka, consumer, emitCrash, runs: () => runs };
}

const options = (kafka: Kafka) => ({
  kafka,
  codec: jsonCodec(),
  logger: createLogger('test', 'silent'),
  metrics: createMetrics('test'),
  service: 'test',
  instanceId: 'test-1',
  groupId: 'test',
  topics: [],
  handlers: {},
  delivery: 'transactional' as const,
});

describe('runConsumer after a crash kafkajs does not restart from', () => {
  it('starts the consumer again', async () => {
    const fake = fakeKafka(() => undefined);
    const running = await runConsumer(options(fake.kafka));
    expect(fake.runs()).toBe(1);
    fake.emitCrash(false);
    expect(running.isRunning()).toBe(false);
    await vi.waitFor(() => expect(fake.runs()).toBe(2), { timeout: 5_000 });
    expect(running.isRunning()).toBe(true);
    await running.stop();
  });

  it('keeps trying while the restart itself crashes', async () => {
    const fake = fakeKafka((call, emitCrash) => {
      if (call === 2) emitCrash(false); // kafkajs reports a failed join as a crash inside run()
    });
    const running = await runConsumer(options(fake.kafka));
    fake.emitCrash(false);
    await vi.waitFor(() => expect(fake.runs()).toBe(3), { timeout: 8_000 });
    expect(running.isRunning()).toBe(true);
    await running.stop();
  }, 10_000);

  it('leaves restarts after a retriable crash to kafkajs, and stops trying once stopped', async () => {
    const fake = fakeKafka(() => undefined);
    const running = await runConsumer(options(fake.kafka));
    fake.emitCrash(true);
    fake.emitCrash(false);
    await running.stop();
    expect(fake.runs()).toBe(1);
    expect(fake.consumer.disconnect).toHaveBeenCalled();
  });
});

describe('runConsumer when stopped mid-batch', () => {
  it('finishes the messages in flight, starts no more, and commits only up to them', async () => {
    const fake = fakeKafka(() => undefined);
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = await runConsumer({
      ...options(fake.kafka),
      topics: [TOPICS.triggerEvents],
      delivery: 'at-least-once',
      concurrency: 2,
      handlers: {
        'trigger.received': async (e) => {
          started.push(e.eventId);
          await gate;
        },
      },
    });
    const eachBatch = (fake.consumer.run.mock.calls[0] as unknown as [{ eachBatch: (p: EachBatchPayload) => Promise<void> }])[0].eachBatch;
    const messages = Array.from({ length: 5 }, (_, i): KafkaMessage => {
      const event = createEvent('trigger.received', { orgId: 'o', eventId: `t${i}`, data: { triggerType: 'whatsapp', data: {} } });
      return { key: Buffer.from(`k${i}`), value: Buffer.from(JSON.stringify(event)), offset: String(i), timestamp: '0', attributes: 0, headers: {} } as KafkaMessage;
    });
    const resolveOffset = vi.fn();
    const commitOffsetsIfNecessary = vi.fn(async () => undefined);
    const payload = {
      batch: { topic: TOPICS.triggerEvents, partition: 0, messages, offsetLag: () => '0' },
      resolveOffset,
      commitOffsetsIfNecessary,
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload;

    const handling = eachBatch(payload);
    await vi.waitFor(() => expect(started).toHaveLength(2));
    const stopping = running.stop();
    release();
    await handling;
    await stopping;
    expect(started).toEqual(['t0', 't1']);
    expect(resolveOffset).toHaveBeenCalledTimes(1);
    expect(resolveOffset).toHaveBeenCalledWith('1');
  });
});
