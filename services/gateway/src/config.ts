import { baseEnvSchema, loadConfig, mongoEnvSchema } from '@botwot/shared/config';
import { z } from 'zod';

const schema = baseEnvSchema
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
    /** largest request body accepted, bytes */
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
    /** longest `?wait=` a caller may ask for, seconds */
    WAIT_MAX_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
    /** executions an org may start per second, sustained (execute, test, retry) */
    RATE_LIMIT_PER_SECOND: z.coerce.number().min(0.1).default(50),
    /** burst above the sustained rate */
    RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(200),
  })
  .refine((c) => c.JWT_SECRET || c.JWKS_URL, { message: 'set JWT_SECRET or JWKS_URL', path: ['JWT_SECRET'] });

export type GatewayConfig = z.infer<typeof schema>;
export const readConfig = (): GatewayConfig => loadConfig(schema);
