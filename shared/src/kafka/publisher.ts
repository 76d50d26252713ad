import type { Kafka, Message, Producer } from 'kafkajs';
import type { AnyEvent, TopicName } from '../events/index.js';
import type { EventCodec } from './codec.js';
import { splitBySize } from './split-by-size.js';

/** A message a handler wants sent: the runtime sends it with the offsets it came from. */
export interface Outgoing {
  topic: TopicName;
  key: string;
  event: AnyEvent;
  headers?: Record<string, string>;
}

/** Encodes outgoing events, grouped by topic, ready for `send`/`sendBatch` (consumers validate them). */
export async function encodeOutgoing(codec: EventCodec, messages: Outgoing[]): Promise<{ topic: string; messages: Message[] }[]> {
  const byTopic = new Map<string, Message[]>();
  for (const m of messages) {
    const value = await codec.encode(m.event);
    const list = byTopic.get(m.topic) ?? [];
    list.push({ key: m.key, value, headers: { 'event-type': m.event.type, ...m.headers } });
    byTopic.set(m.topic, list);
  }
  return [...byTopic.entries()].map(([topic, msgs]) => ({ topic, messages: msgs }));
}

/** The publishing port: what the gateway and tests use to put events on Kafka. */
export interface EventPublisher {
  publish(messages: Outgoing[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * An idempotent producer (acks=all): each message is written once per send, in order per key.
 * Publishes that arrive while a send is in flight go out together in the next one, so many
 * concurrent callers (the gateway's requests) share round trips instead of queueing behind each
 * other on the producer's single in-flight request.
 */
export async function createPublisher(kafka: Kafka, codec: EventCodec, opts: { maxRequestBytes?: number } = {}): Promise<EventPublisher> {
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  let waiting: { messages: Outgoing[]; done: (error?: unknown) => void }[] = [];
  let sending = false;

  async function drain(): Promise<void> {
    sending = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        const encoded = await encodeOutgoing(codec, batch.flatMap((b) => b.messages));
        for (const send of splitBySize(encoded, opts.maxRequestBytes ?? 900_000)) await producer.sendBatch({ topicMessages: send, acks: -1 });
        for (const b of batch) b.done();
      } catch (error) {
        for (const b of batch) b.done(error);
      }
    }
    sending = false;
  }

  return {
    publish(messages) {
      if (messages.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiting.push({ messages, done: (error) => (error === undefined ? resolve() : reject(error)) });
        if (!sending) void drain();
      });
    },
    close: () => producer.disconnect(),
  };
}
