import type { IHeaders, Message } from 'kafkajs';
import { REPLAYED_FROM_HEADER, type DeadLetter } from './dead-letter.js';

/**
 * The message a replay sends to the source topic: the original key, value and headers, without
 * the dead-letter headers, plus `dlq-replayed-from` naming the dead letter.
 */
export function replayMessage(dl: DeadLetter): Message {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(dl.headers)) {
    // every dlq-* header goes, an earlier replay's dlq-replayed-from included
    if (value !== undefined && !name.startsWith('dlq-')) headers[name] = value;
  }
  headers[REPLAYED_FROM_HEADER] = dl.id;
  return { key: dl.key, value: dl.value, headers };
}
