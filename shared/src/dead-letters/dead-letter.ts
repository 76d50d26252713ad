import type { IHeaders, KafkaMessage } from 'kafkajs';
import { DLQ_HEADERS } from '../kafka/index.js';
import { formatDeadLetterId } from './dead-letter-id.js';
import { decodeValue, type DecodedValue } from './decode-value.js';

/** The header a replayed message carries: the id of the dead letter it came from. */
export const REPLAYED_FROM_HEADER = 'dlq-replayed-from';

/** Where a dead-lettered message was consumed from, as its dlq-* headers say. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
}

/** One message of the dead-letter topic, read and decoded. */
export interface DeadLetter {
  /** `<partition>:<offset>` on the dead-letter topic */
  id: string;
  partition: number;
  offset: number;
  /** the record's timestamp (when it was dead-lettered), ms since the epoch */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  reason: string | undefined;
  source: DeadLetterSource | undefined;
  /** the service that dead-lettered it */
  service: string | undefined;
  /** the dead letter this one is a replay of, when a replay was dead-lettered again */
  replayedFrom: string | undefined;
  content: DecodedValue;
}

/** A header's value as text: the first value of a list, Buffers read as UTF-8. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

function sourceOf(headers: IHeaders | undefined): DeadLetterSource | undefined {
  const topic = headerText(headers, DLQ_HEADERS.sourceTopic);
  const partition = headerText(headers, DLQ_HEADERS.sourcePartition);
  if (!topic || partition === undefined || !/^\d+$/.test(partition)) return undefined;
  return { topic, partition: Number(partition), offset: headerText(headers, DLQ_HEADERS.sourceOffset) ?? '' };
}

/** Reads one message of the dead-letter topic into a DeadLetter; never throws on bad content. */
export function toDeadLetter(partition: number, message: KafkaMessage, opts: { wireFormat: boolean }): DeadLetter {
  const offset = Number(message.offset);
  const source = sourceOf(message.headers);
  return {
    id: formatDeadLetterId({ partition, offset }),
    partition,
    offset,
    timestamp: Number(message.timestamp),
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
    reason: headerText(message.headers, DLQ_HEADERS.reason),
    source,
    service: headerText(message.headers, DLQ_HEADERS.service),
    replayedFrom: headerText(message.headers, REPLAYED_FROM_HEADER),
    content: decodeValue(message.value, { sourceTopic: source?.topic, wireFormat: opts.wireFormat }),
  };
}

/** The event type of a dead letter: the decoded one, else what the value or the producer's header says. */
export function eventTypeOf(dl: DeadLetter): string | undefined {
  if (dl.content.kind === 'event') return dl.content.event.type;
  return dl.content.hints.type ?? headerText(dl.headers, 'event-type');
}
