import { baseEnvSchema, loadConfig, mongoEnvSchema } from '@botwot/shared/config';
import { z } from 'zod';

const perSecond = (fallback: number) => z.coerce.number().min(0.1).max(100_000).default(fallback);
const burst = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

/** The gateway's environment; the README's variable table is checked against it. */
export const configSchema = baseEnvSchema
  .extend(mongoEnvSchema.shape)
  .extend({
    /** HTTP port of the REST API (also serves /healthz, /readyz, /metrics) */
    PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    /** HS256 secret for JWTs; at least 32 characters. Set this or JWKS_URL (or both). */
    JWT_SECRET: z.string().min(32).optional(),
    /** JWKS URL for RS256 JWTs from an identity provider */
    JWKS_URL: z.url().optional(),
    /** required `iss` claim, when set */
    JWT_ISSUER: z.string().min(1).optional(),
    /** required `aud` claim, when set */
    JWT_AUDIENCE: z.string().min(1).optional(),
    /** seconds: the oldest token accepted (by iat) and the longest a token may still be valid (exp - now) */
    JWT_MAX_AGE_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(86_400),
    /** seconds of clock skew forgiven on exp, nbf and iat */
    JWT_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
    /** ms one JWKS fetch may take; callers get 503 when it fails */
    JWKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
    /** largest request body accepted, bytes */
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
    /** longest `?wait=` a caller may ask for, seconds */
    WAIT_MAX_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
    /** `?wait=` requests an org may have open at once, across replicas */
    WAIT_LIMIT_PER_ORG: z.coerce.number().int().min(1).max(100_000).default(20),
    /** executions an org may start per second, sustained (execute, test, retry) */
    RATE_LIMIT_PER_SECOND: perSecond(50),
    /** executions an org may start at once */
    RATE_LIMIT_BURST: burst(200),
    /** reads (GET, validate) per org per second, sustained */
    RATE_LIMIT_READ_PER_SECOND: perSecond(100),
    /** reads an org may make at once */
    RATE_LIMIT_READ_BURST: burst(400),
    /** writes (create, replace, archive, channels) per org per second, sustained */
    RATE_LIMIT_WRITE_PER_SECOND: perSecond(10),
    /** writes an org may make at once */
    RATE_LIMIT_WRITE_BURST: burst(50),
    /** ms between a replica's limit reports; also the bound on how stale its view of the others is */
    RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(50).max(5_000).default(250),
    /** seconds an Idempotency-Key answers with its first execution; after that it is free again */
    IDEMPOTENCY_KEY_TTL_SECONDS: z.coerce.number().int().min(1).max(30 * 86_400).default(86_400),
    /** event streams (`/stream` routes) an org may have open at once, across replicas */
    STREAM_LIMIT_PER_ORG: z.coerce.number().int().min(1).max(100_000).default(50),
    /** ms between an event stream's comment heartbeats */
    STREAM_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
    /** ms between an execution stream's rereads of the execution (catches an ending the live feed missed) */
    STREAM_RECHECK_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
    /** ms the lifecycle feed keeps reading after this replica's last stream closed, before it pauses (the next stream wakes it) */
    LIVE_FEED_IDLE_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    /** ms an execution stream waits for a just-requested execution to be recorded before answering 404 */
    STREAM_OPEN_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
    /** ms one read of the dead-letter topic (GET /workFlow/dead-letters, replay) may take before the partitions not done are reported */
    DLQ_READ_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(15_000),
    /** ms a channel-registry answer is cached (a removed sender may still validate this long) */
    CHANNEL_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    /** ms an execute may use this replica's copy of a workflow's latest version (an edit through another replica is seen within this; 0: read it every time) */
    WORKFLOW_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  })
  .refine((c) => c.JWT_SECRET || c.JWKS_URL, { message: 'set JWT_SECRET or JWKS_URL', path: ['JWT_SECRET'] });

export type GatewayConfig = z.infer<typeof configSchema>;
export const readConfig = (): GatewayConfig => loadConfig(configSchema);
