import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { connectMongo, createChannelOwners, createModels, mongoReachable, syncIndexes } from '@botwot/shared/db';
import { createPublisher, kafkaReachable } from '@botwot/shared/kafka';
import { createKafkaRuntime, runService, stopInReverse } from '@botwot/shared/service';
import { createDlqTool } from '@botwot/shared/dead-letters';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { createExecutionCanceller } from './cancel-execution.js';
import { startLimitSync } from './limits/limit-sync.js';
import { createOrgLimiter } from './limits/org-limiter.js';
import { createSenderCheck } from './sender-check.js';
import { createEndedReader } from './live/ended-reader.js';
import { startLifecycleFeed } from './live/lifecycle-feed.js';
import { createExecutionStarter } from './start-execution.js';
import { createMongoChannelStore } from './stores/channel-store.js';
import { createMongoExecutionStore } from './stores/execution-store.js';
import { createIdempotencyStore, startIdempotencyCleanup } from './stores/idempotency-store.js';
import { createMongoLimitStore } from './stores/limit-store.js';
import { createMongoWorkflowStore } from './stores/workflow-store.js';

/** Composition root: the REST API. Owns workflow definitions and channels; publishes execution requests. */
const config = readConfig();
const rt = await createKafkaRuntime('gateway', config);

await runService({
  logger: rt.logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const mongo = await connectMongo(config.MONGO_URL, { appName: 'gateway', maxPoolSize: config.MONGO_MAX_POOL_SIZE });
    const models = createModels(mongo);
    await syncIndexes(models.Workflow as never, models.WorkflowStep as never, models.ExecutionRequest as never, models.OrgChannel as never);
    const publisher = await createPublisher(rt.kafka, rt.codec);
    const workflows = createMongoWorkflowStore(models, { recentMs: config.WORKFLOW_CACHE_MS });
    const owners = createChannelOwners(models, { cacheMs: config.CHANNEL_CACHE_MS });
    const senders = createSenderCheck(owners);
    const limits = createOrgLimiter({
      rates: {
        read: { ratePerSecond: config.RATE_LIMIT_READ_PER_SECOND, burst: config.RATE_LIMIT_READ_BURST },
        write: { ratePerSecond: config.RATE_LIMIT_WRITE_PER_SECOND, burst: config.RATE_LIMIT_WRITE_BURST },
        execute: { ratePerSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_BURST },
      },
      waitsPerOrg: config.WAIT_LIMIT_PER_ORG,
      streamsPerOrg: config.STREAM_LIMIT_PER_ORG,
    });
    // a fresh id per start: a restarted replica must not inherit (or be mistaken for) its last report
    const replicaId = `${rt.instanceId}-${randomBytes(4).toString('hex')}`;
    const limitSync = startLimitSync({ limiter: limits, store: createMongoLimitStore(models), replicaId, intervalMs: config.RATE_LIMIT_SYNC_MS, logger: rt.logger });
    await limitSync.syncNow().catch((error: unknown) => rt.logger.warn({ err: error }, 'first rate-limit sync failed'));
    const cleanup = startIdempotencyCleanup(models, { ttlSeconds: config.IDEMPOTENCY_KEY_TTL_SECONDS, logger: rt.logger });
    const executions = createMongoExecutionStore(models);
    const stopping = new AbortController();
    const feed = await startLifecycleFeed({ kafka: rt.kafka, admin: rt.admin, codec: rt.codec, logger: rt.logger, metrics: rt.metrics, instanceId: rt.instanceId, idleBeforePauseMs: config.LIVE_FEED_IDLE_MS });
    const app = createApp({
      workflows,
      executions,
      cancel: createExecutionCanceller({ executions, publisher }),
      start: createExecutionStarter({ workflows, keys: createIdempotencyStore(models, { ttlSeconds: config.IDEMPOTENCY_KEY_TTL_SECONDS }), senders, publisher }),
      channels: createMongoChannelStore(models),
      owners,
      senders,
      limits,
      waitMaxSeconds: config.WAIT_MAX_SECONDS,
      feed,
      ended: createEndedReader(executions),
      // the tool's close() would close this connection: the gateway never calls it
      deadLetters: createDlqTool({ kafka: rt.kafka, connectMongo: async () => mongo, wireFormat: config.SCHEMA_REGISTRY_URL !== undefined, readTimeoutMs: config.DLQ_READ_TIMEOUT_MS }),
      streams: { heartbeatMs: config.STREAM_HEARTBEAT_MS, recheckMs: config.STREAM_RECHECK_MS, openWaitMs: config.STREAM_OPEN_WAIT_MS, shutdown: stopping.signal },
      auth: {
        secret: config.JWT_SECRET,
        jwksUrl: config.JWKS_URL,
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        maxAgeSeconds: config.JWT_MAX_AGE_SECONDS,
        clockToleranceSeconds: config.JWT_CLOCK_TOLERANCE_SECONDS,
        jwksTimeoutMs: config.JWKS_TIMEOUT_MS,
      },
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      logger: rt.logger,
      metrics: rt.metrics,
      readiness: async () => ({ kafka: await kafkaReachable(rt.admin), mongo: await mongoReachable(mongo) }),
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: config.PORT, hostname: '0.0.0.0' }, (info) => {
        rt.logger.info({ port: info.port }, 'gateway listening');
        resolve(s);
      });
    });
    return stopInReverse(
      rt.logger,
      () => rt.admin.disconnect(),
      () => mongo.close(),
      () => publisher.close(),
      limitSync,
      cleanup,
      feed,
      () => new Promise<void>((done) => server.close(() => done())),
      async () => stopping.abort(), // first: open event streams end, so the server can close
    );
  },
});
