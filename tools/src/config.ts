import { baseEnvSchema, loadConfig, mongoEnvSchema } from '@botwot/shared/config';
import { z } from 'zod';

/** The dead-letter tool's environment. Every default is what `npm start` runs locally. */
const schema = baseEnvSchema
  .pick({ KAFKA_BROKERS: true })
  .extend(mongoEnvSchema.shape)
  .extend({
    /** Confluent-API registry base, used by `show` to name the schema of a wire-format value; `off` for none */
    SCHEMA_REGISTRY_URL: z.union([z.literal('off'), z.url()]).default('http://127.0.0.1:18081/apis/ccompat/v7'),
    /** ms to read the dead-letter topic up to its end before giving up on the partitions not done (default 30 s) */
    DLQ_READ_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(30_000),
    /** pino level of the Kafka client's own log lines, written to stderr */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('error'),
  });

export type DlqConfig = z.infer<typeof schema>;

/** Parses the environment once, at start; exits naming any bad variable. */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): DlqConfig => loadConfig(schema, env);
