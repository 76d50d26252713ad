import type { Message } from 'kafkajs';

export interface TopicMessages {
  topic: string;
  messages: Message[];
}

/** Bytes a message takes in a produce request, near enough to keep requests under a limit. */
export function messageSize(message: Message): number {
  let size = 70 + byteLength(message.key) + byteLength(message.value);
  for (const [k, v] of Object.entries(message.headers ?? {})) size += k.length + byteLength(v as Buffer | string | undefined);
  return size;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/**
 * Splits messages into sends of at most `maxBytes` each, keeping each topic's order: the broker
 * refuses a record batch above its message size limit, and one send to a partition is one batch.
 */
export function splitBySize(batches: TopicMessages[], maxBytes: number): TopicMessages[][] {
  const sends: TopicMessages[][] = [];
  let current: TopicMessages[] = [];
  let currentBytes = 0;
  for (const { topic, messages } of batches) {
    let slot: TopicMessages | undefined;
    for (const message of messages) {
      const size = messageSize(message);
      if (currentBytes > 0 && currentBytes + size > maxBytes) {
        sends.push(current);
        current = [];
        currentBytes = 0;
        slot = undefined;
      }
      if (!slot) {
        slot = { topic, messages: [] };
        current.push(slot);
      }
      slot.messages.push(message);
      currentBytes += size;
    }
  }
  if (current.length > 0) sends.push(current);
  return sends;
}
