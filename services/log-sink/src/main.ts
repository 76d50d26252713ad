import { connectMongo, createModels, mongoReachable, syncIndexes } from '@botwot/shared/db';
import { TOPICS } from '@botwot/shared/events';
import { createPublisher, kafkaReachable, runConsumer } from '@botwot/shared/kafka';
import { startOpsServer } from '@botwot/shared/observability';
import { createKafkaRuntime, runService, stopInReverse } from '@botwot/shared/service';
import { readConfig } from './config.js';
import { createDeadlineSweeper, every } from './deadline-sweeper.js';
import { createHandlers } from './handlers/index.js';

/** Composition root: the only writer of workflow_executions and execution_logs. */
const config = readConfig();
const rt = await createKafkaRuntime('log-sink', config);

await runService({
  logger: rt.logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const mongo = await connectMongo(config.MONGO_URL, { appName: 'log-sink' });
    const models = createModels(mongo);
    await syncIndexes(models.Execution as never, models.ExecutionLog as never);
    const consumer = await runConsumer({
      ...rt,
      groupId: 'log-sink',
      topics: [TOPICS.executionEvents],
      handlers: createHandlers({ models, metrics: rt.metrics }),
      delivery: 'at-least-once',
      // Fewer writers than Mongo connections (connectMongo's pool holds 20): with the default 32, a
      // backlog after a restart took every connection, /readyz's ping queued behind the writes and
      // timed out, and the instance stayed "not ready" until the backlog was written (the launcher
      // gave up on it after 60 s). A single-writer store such as FerretDB/SQLite gains nothing from more.
      concurrency: 16,
    });
    const publisher = await createPublisher(rt.kafka, rt.codec);
    const sweeper = every(
      config.SWEEP_INTERVAL_MS,
      createDeadlineSweeper({ models, publisher, logger: rt.logger, graceMs: config.SWEEP_GRACE_MS, batchSize: 500 }),
      rt.logger,
    );
    const ops = await startOpsServer(config.OPS_PORT, {
      metrics: rt.metrics,
      readiness: async () => ({ kafka: consumer.isRunning() && (await kafkaReachable(rt.admin)), mongo: await mongoReachable(mongo) }),
    });
    rt.logger.info({ opsPort: ops.port }, 'ops endpoints listening');
    return stopInReverse(rt.logger, () => rt.admin.disconnect(), () => mongo.close(), consumer, () => publisher.close(), sweeper, () => ops.close());
  },
});
