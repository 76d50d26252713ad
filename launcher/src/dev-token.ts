import { SignJWT } from 'jose';

/** The HS256 secret the local system runs with. Never use it anywhere else. */
export const DEV_JWT_SECRET = 'local-dev-secret-do-not-use-in-production-0123456789';

/** Signs a token the local gateway accepts: `sub` is the user, `orgId` the tenant. */
export async function devToken(opts: { orgId?: string; userId?: string; secret?: string; expiresIn?: string } = {}): Promise<string> {
  return new SignJWT({ orgId: opts.orgId ?? 'org-dev' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.userId ?? 'user-dev')
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(opts.secret ?? DEV_JWT_SECRET));
}
