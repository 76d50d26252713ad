import type { KafkaMessage, Message } from 'kafkajs';

/** Headers a dead-lettered message carries, so an operator can find and replay its source. */
export const DLQ_HEADERS = {
  reason: 'dlq-reason',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  service: 'dlq-service',
  at: 'dlq-at',
} as const;

/** The original bytes, untouched, with why and where from in headers. */
export function deadLetterMessage(
  source: { topic: string; partition: number; message: KafkaMessage },
  reason: string,
  service: string,
): Message {
  return {
    key: source.message.key,
    value: source.message.value,
    headers: {
      ...source.message.headers,
      [DLQ_HEADERS.reason]: reason.slice(0, 2000),
      [DLQ_HEADERS.sourceTopic]: source.topic,
      [DLQ_HEADERS.sourcePartition]: String(source.partition),
      [DLQ_HEADERS.sourceOffset]: source.message.offset,
      [DLQ_HEADERS.service]: service,
      [DLQ_HEADERS.at]: new Date().toISOString(),
    },
  };
}
