import { Partitioners, type Kafka } from 'kafkajs';
import type { ReplaySender } from './replay.js';

/**
 * An idempotent producer (acks=all) with the partitioner the services use, so a replayed message
 * lands on the partition its key maps to, like every other message of that key.
 */
export async function createKafkaSender(kafka: Kafka): Promise<ReplaySender & { close(): Promise<void> }> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return {
    async send(topic, message) {
      const [meta] = await producer.send({ topic, messages: [message], acks: -1 });
      if (!meta) throw new Error(`no acknowledgement from ${topic}`);
      return { partition: meta.partition, offset: meta.baseOffset ?? meta.offset ?? '?' };
    },
    close: () => producer.disconnect(),
  };
}
