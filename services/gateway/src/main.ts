import { serve } from '@hono/node-server';
import { connectMongo, createModels, mongoReachable, syncIndexes } from '@botwot/shared/db';
import { createPublisher, kafkaReachable } from '@botwot/shared/kafka';
import { createKafkaRuntime, runService, stopInReverse } from '@botwot/shared/service';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { createRateLimiter } from './rate-limit.js';
import { createExecutionCanceller } from './cancel-execution.js';
import { createExecutionStarter } from './start-execution.js';
import { createMongoExecutionStore } from './stores/execution-store.js';
import { createMongoWorkflowStore } from './stores/workflow-store.js';

/** Composition root: the REST API. Owns workflow definitions; publishes execution requests. */
const config = readConfig();
const rt = await createKafkaRuntime('gateway', config);

await runService({
  logger: rt.logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const mongo = await connectMongo(config.MONGO_URL, { appName: 'gateway' });
    const models = createModels(mongo);
    await syncIndexes(models.Workflow as never, models.WorkflowStep as never, models.ExecutionRequest as never);
    const publisher = await createPublisher(rt.kafka, rt.codec);
    const workflows = createMongoWorkflowStore(models);
    const executions = createMongoExecutionStore(models);
    const app = createApp({
      workflows,
      executions,
      start: createExecutionStarter({ workflows, models, publisher }),
      cancel: createExecutionCanceller({ executions, publisher }),
      rateLimiter: createRateLimiter({ ratePerSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_BURST }),
      waitMaxSeconds: config.WAIT_MAX_SECONDS,
      auth: { secret: config.JWT_SECRET, jwksUrl: config.JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
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
      () => new Promise<void>((done) => server.close(() => done())),
    );
  },
});
