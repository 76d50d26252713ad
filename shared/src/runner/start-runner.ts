import { commandTopic, type RunnerCategory } from '../events/index.js';
import { kafkaReachable, runConsumer } from '../kafka/index.js';
import { startOpsServer } from '../observability/index.js';
import { runService, stopInReverse, type KafkaRuntime } from '../service/index.js';
import { createStepCommandHandler, type NodeExecutors } from './step-runner.js';

/**
 * Runs a step runner: consumes its category's command topic, runs each step through the given
 * executors, publishes the results (idempotent producer, acks=all), then commits the offsets.
 */
export async function startRunner(opts: {
  rt: KafkaRuntime;
  category: RunnerCategory;
  executors: NodeExecutors;
  opsPort: number;
  shutdownTimeoutMs: number;
  /** consumer settings from the service's config */
  consumer: { CONSUMER_CONCURRENCY?: number | undefined; CONSUMER_MAX_IN_FLIGHT: number; KAFKA_MAX_MESSAGE_BYTES: number };
  /** stops clients such as breakers after the consumer has stopped */
  onStop?: () => Promise<void>;
}): Promise<void> {
  const { rt } = opts;
  await runService({
    logger: rt.logger,
    shutdownTimeoutMs: opts.shutdownTimeoutMs,
    start: async () => {
      const consumer = await runConsumer({
        ...rt,
        groupId: `${opts.category}-runner`,
        topics: [commandTopic(opts.category)],
        handlers: { 'step.command': createStepCommandHandler({ executors: opts.executors, metrics: rt.metrics, maxOutputBytes: opts.consumer.KAFKA_MAX_MESSAGE_BYTES }) },
        // At least once, not in a transaction: a result sent again (the runner died between sending
        // and committing, or lost its partitions meanwhile) finds its step's progress claim taken,
        // and the orchestrator drops it. A transaction would add three round trips and the commit
        // markers to every step, and stop no side effect from repeating (a provider call is made
        // before any commit either way).
        delivery: 'at-least-once',
        // each step waits on a downstream: this is I/O concurrency, and one slow call holds only its own key
        concurrency: opts.consumer.CONSUMER_CONCURRENCY ?? 256,
        maxInFlight: opts.consumer.CONSUMER_MAX_IN_FLIGHT,
        maxMessageBytes: opts.consumer.KAFKA_MAX_MESSAGE_BYTES,
      });
      const ops = await startOpsServer(opts.opsPort, {
        metrics: rt.metrics,
        readiness: async () => ({ kafka: consumer.isRunning() && (await kafkaReachable(rt.admin)) }),
      });
      rt.logger.info({ opsPort: ops.port }, 'ops endpoints listening');
      return stopInReverse(rt.logger, () => rt.admin.disconnect(), opts.onStop ?? (async () => undefined), consumer, () => ops.close());
    },
  });
}
