import { createMiddleware } from 'hono/factory';
import type { Logger } from '@botwot/shared/observability';
import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ApiError } from './errors.js';
import { KeySourceUnavailable, remoteKeySource } from './jwks.js';
import { checkTokenClaims, type TokenTimeRules } from './token-rules.js';

/** Who is calling: every read and write is scoped to `orgId`. */
export interface Caller {
  orgId: string;
  userId: string;
}

/** What every request carries: its id (X-Request-Id) and a logger whose lines carry it. */
export type RequestEnv = { Variables: { requestId: string; logger: Logger } };
export type AuthEnv = { Variables: RequestEnv['Variables'] & { caller: Caller } };

export interface AuthSettings extends Partial<TokenTimeRules> {
  secret?: string | undefined;
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** how long one JWKS fetch may take before callers get 503 */
  jwksTimeoutMs?: number | undefined;
}

export const DEFAULT_TOKEN_RULES: TokenTimeRules = { clockToleranceSeconds: 5, maxAgeSeconds: 86_400 };

/**
 * Verifies `Authorization: Bearer <JWT>`: HS256 with the shared secret or RS256 against the JWKS,
 * never `alg: none`; issuer and audience when configured; then the claim rules of token-rules.ts.
 * A JWKS that cannot be fetched answers 503 with Retry-After, not 401.
 */
export function createAuth(settings: AuthSettings) {
  const secret = settings.secret ? new TextEncoder().encode(settings.secret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = settings.jwksUrl ? remoteKeySource(settings.jwksUrl, { timeoutMs: settings.jwksTimeoutMs ?? 3_000 }) : undefined;
  const rules: TokenTimeRules = {
    clockToleranceSeconds: settings.clockToleranceSeconds ?? DEFAULT_TOKEN_RULES.clockToleranceSeconds,
    maxAgeSeconds: settings.maxAgeSeconds ?? DEFAULT_TOKEN_RULES.maxAgeSeconds,
  };
  const options = {
    ...(settings.issuer ? { issuer: settings.issuer } : {}),
    ...(settings.audience ? { audience: settings.audience } : {}),
    clockTolerance: rules.clockToleranceSeconds,
    requiredClaims: ['exp'],
  };

  // A client sends the same token with many requests: its signature, issuer and audience were
  // checked once and cannot change, so a verified token is kept a minute (bounded in count); the
  // time claims are checked on every use (exp, iat, nbf), and a key rotated out stops counting within
  // that minute. Verification through WebCrypto was the gateway's largest cost per request.
  const verified = new Map<string, { payload: JWTPayload; until: number }>();
  async function verifyOnce(token: string): Promise<JWTPayload> {
    const now = Date.now();
    const hit = verified.get(token);
    if (hit && hit.until > now) {
      if (typeof hit.payload.nbf === 'number' && hit.payload.nbf > now / 1000 + rules.clockToleranceSeconds) throw new Error('token not valid yet');
      return hit.payload;
    }
    const payload = await verify(token);
    if (verified.size >= 10_000) verified.delete(verified.keys().next().value as string);
    verified.set(token, { payload, until: now + 60_000 });
    return payload;
  }

  async function verify(token: string): Promise<JWTPayload> {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8') || '{}') as { alg?: string };
    if (header.alg === 'HS256' && secret) return (await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })).payload;
    if (header.alg === 'RS256' && jwks) return (await jwtVerify(token, jwks, { ...options, algorithms: ['RS256'] })).payload;
    throw new Error(`algorithm ${String(header.alg)} not accepted`);
  }

  return createMiddleware<AuthEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/i.exec(header.trim());
    if (!match?.[1]) throw new ApiError(401, 'UNAUTHORIZED', 'a Bearer token is required');
    let payload: JWTPayload;
    try {
      payload = await verifyOnce(match[1]);
    } catch (error) {
      if (error instanceof KeySourceUnavailable) {
        throw new ApiError(503, 'AUTH_UNAVAILABLE', 'the identity provider cannot be reached to check this token; try again shortly', undefined, { 'Retry-After': '5' });
      }
      throw new ApiError(401, 'UNAUTHORIZED', 'invalid or expired token');
    }
    const checked = checkTokenClaims(payload, rules, Math.floor(Date.now() / 1000));
    if (!checked.ok) throw new ApiError(401, 'UNAUTHORIZED', checked.reason);
    c.set('caller', checked.caller);
    await next();
  });
}
