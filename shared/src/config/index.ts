import { z } from 'zod';

export const PROFILES = ['local', 'production'] as const;
export type Profile = (typeof PROFILES)[number];

const localOnly = new WeakSet<z.ZodType>();

/**
 * A default that only the local profile (`BOTWOT_PROFILE=local`, set by the launcher) may use: it
 * points at a local server or stand-in. Outside that profile the variable is required, and
 * `loadConfig` stops the service naming it.
 */
export function localDefault<S extends z.ZodType>(schema: S, value: z.util.NoUndefined<z.input<S>>) {
  // prefault: the default is an environment value, parsed (and transformed) like one
  const withDefault = schema.prefault(value as never);
  localOnly.add(withDefault);
  return withDefault;
}

/** Names of the variables of an object schema whose default is local-only. */
export function localOnlyVariables(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.entries(shape)
    .filter(([, field]) => localOnly.has(field))
    .map(([name]) => name);
}

/** Settings every service has: where Kafka, the registry and its ops port are, and how it logs. */
export const baseEnvSchema = z.object({
  /** `local` (the launcher's) lets local-only defaults apply; anything else must be configured in full */
  BOTWOT_PROFILE: z.enum(PROFILES).default('production'),
  /** comma-separated host:port list */
  KAFKA_BROKERS: localDefault(z.string().min(1), '127.0.0.1:19092'),
  /** Confluent-API schema registry base URL; unset = plain JSON events validated by zod */
  SCHEMA_REGISTRY_URL: z.url().optional(),
  /** pino level */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** port of /healthz, /readyz and /metrics (the gateway serves them on its API port) */
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** identifies this process in consumer groups and transactional ids; defaults to host-pid */
  INSTANCE_ID: z.string().min(1).optional(),
  /** topic partitions created at start when a topic is missing (the most members a group can use) */
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(256).default(6),
  /** replicas of each topic created at start: 1 only for a single local broker, 3 in production */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(7).default(1),
  /** hours messages stay on the engine's topics (dead letters twice as long): outlast an outage, allow replays */
  KAFKA_RETENTION_HOURS: z.coerce.number().int().min(1).default(168),
  /** connect to the brokers over TLS */
  KAFKA_SSL: z.stringbool().default(false),
  /** SASL mechanism when the cluster wants credentials; with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD */
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** handlers running at once per consumer (different keys; one key runs in order); each service has its own default */
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(5_000).optional(),
  /** messages fetched and not yet committed, per consumer; fetching waits beyond it */
  CONSUMER_MAX_IN_FLIGHT: z.coerce.number().int().min(10).max(100_000).default(2_000),
  /** largest message a service produces, bytes: the broker's message.max.bytes (1 MiB by default) less headroom */
  KAFKA_MAX_MESSAGE_BYTES: z.coerce.number().int().min(10_000).default(900_000),
  /** ms to finish in-flight work on SIGTERM before exiting anyway */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
});

export const mongoEnvSchema = z.object({
  /** MongoDB (or wire-compatible) connection string */
  MONGO_URL: localDefault(z.string().min(1), 'mongodb://127.0.0.1:27117/botwot'),
  /**
   * most operations this process runs on the database at once (connections in the driver's pool).
   * FerretDB needs two PostgreSQL connections for an update (the query and the write), so the sum
   * of every process's pool times two must stay under FerretDB's `pool_max_conns` (docs/storage.md).
   */
  MONGO_MAX_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
});

/**
 * Checks the environment against a service's schema: the parsed config, or one line per bad
 * variable. Outside the local profile a variable whose default is local-only must be set.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): { ok: true; config: z.infer<S> } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  if (env.BOTWOT_PROFILE !== 'local') {
    for (const name of localOnlyVariables(schema)) {
      if (env[name] === undefined) problems.push(`${name}: required (its default is for BOTWOT_PROFILE=local only)`);
    }
  }
  const result = schema.safeParse(env);
  if (!result.success) problems.push(...result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return problems.length === 0 && result.success ? { ok: true, config: result.data } : { ok: false, problems };
}

/**
 * Parses the environment against a service's schema once, at start-up. On error it names each
 * bad variable and exits: a service never runs half-configured.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = parseConfig(schema, env);
  if (!result.ok) {
    process.stderr.write(`invalid configuration:\n${result.problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exit(78);
  }
  return result.config;
}

/** The Kafka connection and topic settings from a parsed config. */
export function kafkaSettingsFrom(config: z.infer<typeof baseEnvSchema>) {
  const sasl =
    config.KAFKA_SASL_MECHANISM && config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD
      ? { mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_SASL_USERNAME, password: config.KAFKA_SASL_PASSWORD }
      : undefined;
  return {
    brokers: brokerList(config.KAFKA_BROKERS),
    security: { ssl: config.KAFKA_SSL, ...(sasl ? { sasl } : {}) },
    topics: { partitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR, retentionHours: config.KAFKA_RETENTION_HOURS },
  };
}

/** Splits a comma-separated broker list. */
export function brokerList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** The instance id used when INSTANCE_ID is unset. */
export function defaultInstanceId(service: string): string {
  return `${service}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Settings of a downstream behind a circuit breaker; `prefix` names them, e.g. BOTCORE. */
export function breakerEnvSchema<P extends string>(prefix: P) {
  return z.object({
    /** ms one call may take before it counts as a timeout */
    [`${prefix}_CALL_TIMEOUT_MS`]: z.coerce.number().int().min(50).default(10_000),
    /** % failures in the window that open the breaker */
    [`${prefix}_BREAKER_ERROR_PERCENT`]: z.coerce.number().min(1).max(100).default(50),
    /** ms the breaker stays open before a trial call */
    [`${prefix}_BREAKER_RESET_MS`]: z.coerce.number().int().min(100).default(5_000),
    /** calls in the window before the breaker may open */
    [`${prefix}_BREAKER_MIN_CALLS`]: z.coerce.number().int().min(1).default(10),
  } as Record<`${P}_CALL_TIMEOUT_MS` | `${P}_BREAKER_ERROR_PERCENT` | `${P}_BREAKER_RESET_MS` | `${P}_BREAKER_MIN_CALLS`, z.ZodDefault<z.ZodCoercedNumber>>);
}

/** Reads the breaker settings of one downstream from a parsed config. */
export function breakerSettingsFrom(config: Record<string, unknown>, prefix: string) {
  return {
    callTimeoutMs: Number(config[`${prefix}_CALL_TIMEOUT_MS`]),
    breaker: {
      errorThresholdPercentage: Number(config[`${prefix}_BREAKER_ERROR_PERCENT`]),
      resetTimeoutMs: Number(config[`${prefix}_BREAKER_RESET_MS`]),
      volumeThreshold: Number(config[`${prefix}_BREAKER_MIN_CALLS`]),
      rollingWindowMs: 10_000,
    },
  };
}
