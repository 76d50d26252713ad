import { baseEnvSchema, loadConfig, mongoEnvSchema } from '@botwot/shared/config';
import { z } from 'zod';

export const schema = baseEnvSchema.extend(mongoEnvSchema.shape).extend({
  /** ms an execution may run in all before it is failed with a timeout (default 10 min) */
  EXECUTION_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(600_000),
  /** workflow versions kept in memory (they are immutable, so the cache never goes stale) */
  WORKFLOW_CACHE_SIZE: z.coerce.number().int().min(1).default(1_000),
});

export type OrchestratorConfig = z.infer<typeof schema>;
export const readConfig = (): OrchestratorConfig => loadConfig(schema);
