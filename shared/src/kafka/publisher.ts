import type { Kafka, Message, Producer } from 'kafkajs';
import { parseEvent, type AnyEvent, type TopicName } from '../events/index.js';
import type { EventCodec } from './codec.js';

/** A message a handler wants sent: the runtime sends it with the offsets it came from. */
export interface Outgoing {
  topic: TopicName;
  key: string;
  event: AnyEvent;
  headers?: Record<string, string>;
}

/** Validates and encodes outgoing events, grouped by topic, ready for `send`/`sendBatch`. */
export async function encodeOutgoing(codec: EventCodec, messages: Outgoing[]): Promise<{ topic: string; messages: Message[] }[]> {
  const byTopic = new Map<string, Message[]>();
  for (const m of messages) {
    const event = parseEvent(m.event); // producers validate too
    const value = await codec.encode(event);
    const list = byTopic.get(m.topic) ?? [];
    list.push({ key: m.key, value, headers: { 'event-type': event.type, ...m.headers } });
    byTopic.set(m.topic, list);
  }
  return [...byTopic.entries()].map(([topic, msgs]) => ({ topic, messages: msgs }));
}

/** The publishing port: what the gateway and tests use to put events on Kafka. */
export interface EventPublisher {
  publish(messages: Outgoing[]): Promise<void>;
  close(): Promise<void>;
}

/** An idempotent producer (acks=all): each message is written once per send, in order per key. */
export async function createPublisher(kafka: Kafka, codec: EventCodec): Promise<EventPublisher> {
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  return {
    async publish(messages) {
      if (messages.length === 0) return;
      await producer.sendBatch({ topicMessages: await encodeOutgoing(codec, messages), acks: -1 });
    },
    close: () => producer.disconnect(),
  };
}
