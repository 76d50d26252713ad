import type { Admin } from 'kafkajs';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';

/**
 * Measures a group's lag on a timer, from the broker (latest offset less committed offset per
 * partition), so it rises while a consumer is stuck, when no batch arrives to report it.
 * Transactional commit markers take an offset each: a caught-up transactional group reads 1.
 */
export function startLagMeter(opts: { admin: Admin; groupId: string; topics: readonly string[]; metrics: Metrics; logger: Logger; intervalMs: number }): { stop(): void } {
  const measure = async () => {
    for (const topic of opts.topics) {
      const [ends, committed] = await Promise.all([opts.admin.fetchTopicOffsets(topic), opts.admin.fetchOffsets({ groupId: opts.groupId, topics: [topic] })]);
      const at = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      for (const end of ends) {
        const position = at.get(end.partition) ?? -1;
        const lag = position < 0 ? Number(end.high) - Number(end.low) : Number(end.high) - position;
        opts.metrics.consumerLag.set({ group: opts.groupId, topic, partition: String(end.partition) }, Math.max(0, lag));
      }
    }
  };
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    measure()
      .catch((error: unknown) => opts.logger.debug({ err: error }, 'could not measure consumer lag'))
      .finally(() => (busy = false));
  }, opts.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
