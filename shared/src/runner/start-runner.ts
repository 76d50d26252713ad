import { commandTopic, type RunnerCategory } from '../events/index.js';
import { kafkaReachable, runConsumer } from '../kafka/index.js';
import { startOpsServer } from '../observability/index.js';
import { runService, stopInReverse, type KafkaRuntime } from '../service/index.js';
import { createStepCommandHandler, type NodeExecutors } from './step-runner.js';

/**
 * Runs a step runner: consumes its category's command topic, runs each step through the given
 * executors, and publishes results in the same transaction as the consumed offsets.
 */
export async function startRunner(opts: {
  rt: KafkaRuntime;
  category: RunnerCategory;
  executors: NodeExecutors;
  opsPort: number;
  shutdownTimeoutMs: number;
  /** steps run at once per batch (each waits on a downstream, so this is I/O concurrency) */
  concurrency: number;
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
        handlers: { 'step.command': createStepCommandHandler({ executors: opts.executors, metrics: rt.metrics }) },
        delivery: 'transactional',
        concurrency: opts.concurrency,
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
