import { connectMongo, createModels, deleteExpiredDays, mongoReachable } from '@botwot/shared/db';
import { TOPICS } from '@botwot/shared/events';
import { kafkaReachable, runConsumer } from '@botwot/shared/kafka';
import { startOpsServer } from '@botwot/shared/observability';
import { createKafkaRuntime, every, runService, stopInReverse } from '@botwot/shared/service';
import { createClaimStage, createMongoClaimStore } from './claims.js';
import { readConfig } from './config.js';
import { createHandlers } from './handlers/index.js';
import { createWorkflowSource } from './workflow-cache.js';

/** Composition root: turns execution requests, trigger events and step results into the next step. */
const config = readConfig();
const rt = await createKafkaRuntime('orchestrator', config);

await runService({
  logger: rt.logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const mongo = await connectMongo(config.MONGO_URL, { appName: 'orchestrator', maxPoolSize: config.MONGO_MAX_POOL_SIZE });
    const models = createModels(mongo);
    const consumer = await runConsumer({
      ...rt,
      groupId: 'orchestrator',
      topics: [TOPICS.executionRequested, TOPICS.triggerEvents, TOPICS.stepResults],
      handlers: createHandlers({ workflows: createWorkflowSource(models, config.WORKFLOW_CACHE_SIZE), executionTimeoutMs: config.EXECUTION_TIMEOUT_MS, now: Date.now }),
      stage: createClaimStage(createMongoClaimStore(mongo)),
      delivery: 'transactional',
      concurrency: config.CONSUMER_CONCURRENCY ?? 64,
      maxInFlight: config.CONSUMER_MAX_IN_FLIGHT,
      maxMessageBytes: config.KAFKA_MAX_MESSAGE_BYTES,
      // in overload, finish the executions running before starting more
      ...(config.ORCHESTRATOR_MAX_RESULTS_BACKLOG > 0
        ? { admission: { watch: TOPICS.stepResults, gate: [TOPICS.executionRequested, TOPICS.triggerEvents], maxBacklog: config.ORCHESTRATOR_MAX_RESULTS_BACKLOG } }
        : {}),
    });
    const claimsCleanup = every(3_600_000, () => deleteExpiredDays(mongo.collection('orchestrator_claims') as never, { now: Date.now(), retentionDays: config.CLAIM_RETENTION_DAYS }), rt.logger);
    const ops = await startOpsServer(config.OPS_PORT, {
      metrics: rt.metrics,
      readiness: async () => ({ kafka: consumer.isRunning() && (await kafkaReachable(rt.admin)), mongo: await mongoReachable(mongo) }),
    });
    rt.logger.info({ opsPort: ops.port }, 'ops endpoints listening');
    return stopInReverse(rt.logger, () => rt.admin.disconnect(), () => mongo.close(), consumer, claimsCleanup, () => ops.close());
  },
});
