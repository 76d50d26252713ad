import { baseEnvSchema, loadConfig, mongoEnvSchema } from '@botwot/shared/config';
import { z } from 'zod';

export const schema = baseEnvSchema.extend(mongoEnvSchema.shape).extend({
  /** ms between sweeps for executions past their deadline */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  /** ms past the deadline before the sweeper fails an execution (the orchestrator fails most on time itself) */
  SWEEP_GRACE_MS: z.coerce.number().int().min(0).default(5_000),
  /** days an ended execution and its step logs are kept, counted by its start day; 0 keeps them forever */
  EXECUTION_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
  /** ms at least between two write cycles: fewer, larger bulk writes; a row shows in the API up to this much later */
  LOG_SINK_MIN_CYCLE_MS: z.coerce.number().int().min(0).max(5_000).default(100),
});

export type LogSinkConfig = z.infer<typeof schema>;
export const readConfig = (): LogSinkConfig => loadConfig(schema);
