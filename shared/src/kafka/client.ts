import { Kafka, logLevel, type Admin, type LogEntry, type SASLOptions } from 'kafkajs';
import { TOPICS } from '../events/index.js';
import type { Logger } from '../observability/logger.js';

/** How to reach a secured cluster: TLS, and SASL credentials when the cluster wants them. */
export interface KafkaSecurity {
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/**
 * A response error kafkajs retries by itself and that is routine here: a transactional producer's
 * next transaction, opened right after a commit, is refused while the broker still writes the last
 * one's markers (CONCURRENT_TRANSACTIONS). kafkajs logs each refusal as an error; it is a debug
 * line here, and a retry that runs out surfaces to the caller as an error all the same.
 */
const ROUTINE_RESPONSE_ERROR = 'another concurrent operation on the same transaction was ongoing';

/** Where kafkajs's own log entries go: the service's logger, at their level, routine refusals at debug. */
export function kafkajsLogTo(log: Logger): (entry: LogEntry) => void {
  return ({ level, log: entry }) => {
    const { message, ...rest } = entry;
    const routine = typeof rest.error === 'string' && rest.error.includes(ROUTINE_RESPONSE_ERROR);
    if (level <= logLevel.ERROR && !routine) log.error(rest, message);
    else if (level === logLevel.WARN) log.warn(rest, message);
    else log.debug(rest, message);
  };
}

/** A kafkajs client whose own logs go to the service's pino logger. Connects nothing yet. */
export function createKafka(opts: { brokers: string[]; clientId: string; logger: Logger; security?: KafkaSecurity }): Kafka {
  const log = opts.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    ...(opts.security?.ssl ? { ssl: true } : {}),
    ...(opts.security?.sasl ? { sasl: opts.security.sasl as SASLOptions } : {}),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: () => kafkajsLogTo(log),
  });
}

/** How the engine's topics are created when missing. */
export interface TopicSettings {
  partitions: number;
  /** 1 only for a single local broker; 3 in production */
  replicationFactor: number;
  /** how long messages stay: long enough to outlast an outage and replay dead letters (days) */
  retentionHours: number;
}

/**
 * Creates every topic that does not exist yet. Safe to run from every service at start. The
 * dead-letter topic keeps its messages twice as long as the others, for replays after the fact.
 */
export async function ensureTopics(admin: Admin, settings: TopicSettings): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = Object.values(TOPICS).filter((t) => !existing.has(t));
  if (missing.length === 0) return;
  const hours = (topic: string) => (topic === TOPICS.deadLetter ? settings.retentionHours * 2 : settings.retentionHours);
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: settings.partitions,
      replicationFactor: settings.replicationFactor,
      configEntries: [
        { name: 'retention.ms', value: String(hours(topic) * 3_600_000) },
        ...(settings.replicationFactor > 1 ? [{ name: 'min.insync.replicas', value: '2' }] : []),
      ],
    })),
  });
}

/** True when the cluster answers a metadata request within a short bound. */
export async function kafkaReachable(admin: Admin): Promise<boolean> {
  try {
    await Promise.race([
      admin.describeCluster(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000)),
    ]);
    return true;
  } catch {
    return false;
  }
}
