import { connectMongo, createModels, mongoReachable, syncIndexes } from '@botwot/shared/db';
import { TOPICS } from '@botwot/shared/events';
import { createPublisher, kafkaReachable, runConsumer } from '@botwot/shared/kafka';
import { startOpsServer } from '@botwot/shared/observability';
import { createKafkaRuntime, every, runService, stopInReverse } from '@botwot/shared/service';
import { readConfig } from './config.js';
import { createDeadlineSweeper } from './deadline-sweeper.js';
import { createHandlers } from './handlers/index.js';
import { createRetentionSweep } from './retention.js';
import { createRowWriter } from './write-rows.js';

/** Composition root: the only writer of workflow_executions, execution_logs and their counters. */
const config = readConfig();
const rt = await createKafkaRuntime('log-sink', config);

await runService({
  logger: rt.logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const mongo = await connectMongo(config.MONGO_URL, { appName: 'log-sink', maxPoolSize: config.MONGO_MAX_POOL_SIZE });
    const models = createModels(mongo);
    await syncIndexes(models.Execution as never, models.ExecutionLog as never);
    const consumer = await runConsumer({
      ...rt,
      groupId: 'log-sink',
      topics: [TOPICS.executionEvents],
      handlers: createHandlers(),
      stage: createRowWriter({ models, metrics: rt.metrics, logger: rt.logger }),
      delivery: 'at-least-once',
      minCycleMs: config.LOG_SINK_MIN_CYCLE_MS,
      // fetching more often than a cycle takes what was fetched only costs broker round trips
      minFetchIntervalMs: config.LOG_SINK_MIN_CYCLE_MS / 2,
      concurrency: config.CONSUMER_CONCURRENCY ?? 64,
      maxInFlight: config.CONSUMER_MAX_IN_FLIGHT,
      maxMessageBytes: config.KAFKA_MAX_MESSAGE_BYTES,
    });
    const publisher = await createPublisher(rt.kafka, rt.codec);
    const sweeper = every(
      config.SWEEP_INTERVAL_MS,
      createDeadlineSweeper({ models, publisher, logger: rt.logger, metrics: rt.metrics, graceMs: config.SWEEP_GRACE_MS, batchSize: 500 }),
      rt.logger,
    );
    const retention =
      config.EXECUTION_RETENTION_DAYS > 0
        ? every(3_600_000, createRetentionSweep({ models, retentionDays: config.EXECUTION_RETENTION_DAYS, logger: rt.logger }), rt.logger)
        : { stop: async () => undefined };
    const ops = await startOpsServer(config.OPS_PORT, {
      metrics: rt.metrics,
      readiness: async () => ({ kafka: consumer.isRunning() && (await kafkaReachable(rt.admin)), mongo: await mongoReachable(mongo) }),
    });
    rt.logger.info({ opsPort: ops.port }, 'ops endpoints listening');
    return stopInReverse(rt.logger, () => rt.admin.disconnect(), () => mongo.close(), consumer, () => publisher.close(), sweeper, retention, () => ops.close());
  },
});
