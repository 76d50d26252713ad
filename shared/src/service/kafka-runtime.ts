import type { Admin, Kafka } from 'kafkajs';
import type { z } from 'zod';
import { type baseEnvSchema, defaultInstanceId, kafkaSettingsFrom } from '../config/index.js';
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

export async function createKafkaRuntime(service: string, config: z.infer<typeof baseEnvSchema>): Promise<KafkaRuntime> {
  const logger = createLogger(service, config.LOG_LEVEL);
  const metrics = createMetrics(service);
  const instanceId = config.INSTANCE_ID ?? defaultInstanceId(service);
  const settings = kafkaSettingsFrom(config);
  const kafka = createKafka({ brokers: settings.brokers, clientId: `botwot-${service}`, logger, security: settings.security });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, settings.topics);
  const codec = config.SCHEMA_REGISTRY_URL ? registryCodec(config.SCHEMA_REGISTRY_URL) : jsonCodec();
  return { service, instanceId, stableInstanceId: config.INSTANCE_ID !== undefined, logger, metrics, kafka, admin, codec };
}
