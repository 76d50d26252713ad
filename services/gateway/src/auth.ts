import { createMiddleware } from 'hono/factory';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ApiError } from './errors.js';

/** Who is calling: every read and write is scoped to `orgId`. */
export interface Caller {
  orgId: string;
  userId: string;
}

export type AuthEnv = { Variables: { caller: Caller } };

export interface AuthSettings {
  secret?: string | undefined;
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
}

/**
 * Verifies `Authorization: Bearer <JWT>`: HS256 with the shared secret or RS256 against the JWKS,
 * never `alg: none`; exp/nbf checked; issuer and audience when configured. The token must carry
 * `sub` (the user) and `orgId`.
 */
export function createAuth(settings: AuthSettings) {
  const secret = settings.secret ? new TextEncoder().encode(settings.secret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = settings.jwksUrl ? createRemoteJWKSet(new URL(settings.jwksUrl)) : undefined;
  const options = {
    ...(settings.issuer ? { issuer: settings.issuer } : {}),
    ...(settings.audience ? { audience: settings.audience } : {}),
    clockTolerance: 5,
  };

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
      payload = await verify(match[1]);
    } catch {
      throw new ApiError(401, 'UNAUTHORIZED', 'invalid or expired token');
    }
    const orgId = payload.orgId;
    if (typeof orgId !== 'string' || orgId.length === 0 || typeof payload.sub !== 'string' || payload.sub.length === 0) {
      throw new ApiError(401, 'UNAUTHORIZED', 'token must carry sub and orgId');
    }
    c.set('caller', { orgId, userId: payload.sub });
    await next();
  });
}
