import type { KafkaMessage } from 'kafkajs';
import { InvalidEventError, parseEvent, TOPIC_EVENTS, type AnyEvent } from '../../events/index.js';
import type { EventCodec } from '../codec.js';

/**
 * Bytes to a validated event: decoded by the codec, checked against the event catalog (the one
 * validation of this hop) and against the types the topic may carry. Throws InvalidEventError,
 * whose message becomes the dead-letter reason.
 */
export async function decodeMessage(codec: EventCodec, topic: string, message: KafkaMessage): Promise<AnyEvent> {
  if (!message.value || message.value.length === 0) throw new InvalidEventError('empty message');
  let raw: unknown;
  try {
    raw = await codec.decode(message.value);
  } catch (error) {
    throw new InvalidEventError(`undecodable: ${(error as Error).message}`);
  }
  const event = parseEvent(raw);
  const allowed = TOPIC_EVENTS[topic as keyof typeof TOPIC_EVENTS] as readonly string[] | undefined;
  if (allowed && !allowed.includes(event.type)) throw new InvalidEventError(`event type "${event.type}" does not belong on ${topic}`);
  return event;
}
