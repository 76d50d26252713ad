import { Kafka, logLevel, type Admin, type LogEntry } from 'kafkajs';
import { TOPICS } from '../events/index.js';
import type { Logger } from '../observability/logger.js';

/** A kafkajs client whose own logs go to the service's pino logger. Connects nothing yet. */
export function createKafka(opts: { brokers: string[]; clientId: string; logger: Logger }): Kafka {
  const log = opts.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        if (level <= logLevel.ERROR) log.error(rest, message);
        else if (level === logLevel.WARN) log.warn(rest, message);
        else log.debug(rest, message);
      },
  });
}

/** Creates every topic that does not exist yet. Safe to run from every service at start. */
export async function ensureTopics(admin: Admin, opts: { partitions: number; replicationFactor?: number }): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = Object.values(TOPICS).filter((t) => !existing.has(t));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: opts.partitions,
      replicationFactor: opts.replicationFactor ?? 1,
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
