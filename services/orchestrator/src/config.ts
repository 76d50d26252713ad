import { baseEnvSchema, loadConfig, mongoEnvSchema } from '@botwot/shared/config';
import { z } from 'zod';

export const schema = baseEnvSchema.extend(mongoEnvSchema.shape).extend({
  /** ms an execution may run in all before it is failed with a timeout (default 10 min) */
  EXECUTION_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(600_000),
  /**
   * days a claim is kept: a message older than this (a replayed dead letter, a redelivery after a
   * very long outage) is no longer recognised as done; keep it longer than KAFKA_RETENTION_HOURS
   */
  CLAIM_RETENTION_DAYS: z.coerce.number().int().min(1).default(15),
  /** workflow versions kept in memory (they are immutable, so the cache never goes stale) */
  WORKFLOW_CACHE_SIZE: z.coerce.number().int().min(1).default(1_000),
  /**
   * step results that may wait unread before new executions and trigger events are no longer
   * fetched (they wait in Kafka) until the results are down to half; 0 turns this off
   */
  ORCHESTRATOR_MAX_RESULTS_BACKLOG: z.coerce.number().int().min(0).default(300),
});

export type OrchestratorConfig = z.infer<typeof schema>;
export const readConfig = (): OrchestratorConfig => loadConfig(schema);
