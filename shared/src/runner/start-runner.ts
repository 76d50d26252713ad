import { commandTopic, type RunnerCategory } from '../events/index.js';
import { kafkaReachable, runConsumer } from '../kafka/index.js';
import { startOpsServer } from '../observability/index.js';
import { runService, stopInReverse, type KafkaRuntime } from '../service/index.js';
import { createStepCommandHandler, type NodeExecutors } from './step-runner.js';

/** What a runner's steps need, opened when the service starts and closed after its consumer stops. */
export interface RunnerParts {
  executors: NodeExecutors;
  /** dependencies besides Kafka that readiness reports (e.g. `mongo`) */
  checks?: Record<string, () => Promise<boolean>>;
  /** closes clients such as breakers and connections */
  close?: () => Promise<void>;
}

/**
 * Runs a step runner: consumes its category's command topic, runs each step through the
 * executors that `open` gives, publishes the results (idempotent producer, acks=all), then commits
 * the offsets. `open` runs inside the service's start: a dependency that is not up fails the start,
 * and the supervisor starts the runner again.
 */
export async function startRunner(opts: {
  rt: KafkaRuntime;
  category: RunnerCategory;
  open: () => Promise<RunnerParts>;
  opsPort: number;
  shutdownTimeoutMs: number;
  /** consumer settings from the service's config */
  consumer: { CONSUMER_CONCURRENCY?: number | undefined; CONSUMER_MAX_IN_FLIGHT: number; KAFKA_MAX_MESSAGE_BYTES: number };
}): Promise<void> {
  const { rt } = opts;
  await runService({
    logger: rt.logger,
    shutdownTimeoutMs: opts.shutdownTimeoutMs,
    start: async () => {
      const parts = await opts.open();
      const consumer = await runConsumer({
        ...rt,
        groupId: `${opts.category}-runner`,
        topics: [commandTopic(opts.category)],
        handlers: { 'step.command': createStepCommandHandler({ executors: parts.executors, metrics: rt.metrics, maxOutputBytes: opts.consumer.KAFKA_MAX_MESSAGE_BYTES }) },
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
      const checks = Object.entries(parts.checks ?? {});
      const ops = await startOpsServer(opts.opsPort, {
        metrics: rt.metrics,
        readiness: async () => {
          const results = await Promise.all(checks.map(async ([name, check]) => [name, await check()] as const));
          return { kafka: consumer.isRunning() && (await kafkaReachable(rt.admin)), ...Object.fromEntries(results) };
        },
      });
      rt.logger.info({ opsPort: ops.port }, 'ops endpoints listening');
      return stopInReverse(rt.logger, () => rt.admin.disconnect(), parts.close ?? (async () => undefined), consumer, () => ops.close());
    },
  });
}
