import type { Admin, Kafka } from 'kafkajs';
import { brokerList, defaultInstanceId } from '../config/index.js';
import { createKafka, ensureTopics } from '../kafka/client.js';
import { jsonCodec, registryCodec, type EventCodec } from '../kafka/codec.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';

/** What every Kafka-speaking service builds first, from its base settings. */
export interface KafkaRuntime {
  service: string;
  instanceId: string;
  /** INSTANCE_ID was set: the id is stable across restarts, so consumers join as static members */
  stableInstanceId: boolean;
  logger: Logger;
  metrics: Metrics;
  kafka: Kafka;
  admin: Admin;
  codec: EventCodec;
}

export async function createKafkaRuntime(
  service: string,
  config: { KAFKA_BROKERS: string; SCHEMA_REGISTRY_URL?: string | undefined; LOG_LEVEL: string; INSTANCE_ID?: string | undefined; KAFKA_TOPIC_PARTITIONS: number },
): Promise<KafkaRuntime> {
  const logger = createLogger(service, config.LOG_LEVEL);
  const metrics = createMetrics(service);
  const instanceId = config.INSTANCE_ID ?? defaultInstanceId(service);
  const kafka = createKafka({ brokers: brokerList(config.KAFKA_BROKERS), clientId: `botwot-${service}`, logger });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, { partitions: config.KAFKA_TOPIC_PARTITIONS });
  const codec = config.SCHEMA_REGISTRY_URL ? registryCodec(config.SCHEMA_REGISTRY_URL) : jsonCodec();
  return { service, instanceId, stableInstanceId: config.INSTANCE_ID !== undefined, logger, metrics, kafka, admin, codec };
}
