import { SignJWT } from 'jose';

/** The HS256 secret the local system runs with. Never use it anywhere else. */
export const DEV_JWT_SECRET = 'local-dev-secret-do-not-use-in-production-0123456789';
/** The `iss` the local gateway requires (JWT_ISSUER), for HS256 dev tokens and the JWKS stand-in's RS256 ones alike. */
export const DEV_JWT_ISSUER = 'botwot-local';
/** The `aud` the local gateway requires (JWT_AUDIENCE). */
export const DEV_JWT_AUDIENCE = 'botwot-engine';

/**
 * Signs an HS256 token the local gateway accepts: `sub` is the user, `orgId` the tenant, with the
 * local issuer and audience (pass others to match a gateway configured differently).
 */
export async function devToken(
  opts: { orgId?: string; userId?: string; secret?: string; expiresIn?: string; issuer?: string; audience?: string } = {},
): Promise<string> {
  return new SignJWT({ orgId: opts.orgId ?? 'org-dev' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.userId ?? 'user-dev')
    .setIssuer(opts.issuer ?? DEV_JWT_ISSUER)
    .setAudience(opts.audience ?? DEV_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(opts.secret ?? DEV_JWT_SECRET));
}
