/** What the console reads from a token, without verifying it: the gateway verifies every call. */
export interface TokenClaims {
  orgId: string;
  sub: string;
  /** expiry, seconds since the epoch, when the token has one */
  exp?: number;
}

function base64UrlDecode(part: string): string {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * Reads the org and user of a JWT, or says why it is not one the console can use. The org is what
 * the gateway scopes every read to; showing it lets a person see whose data they are looking at.
 */
export function readClaims(token: string): { ok: true; claims: TokenClaims } | { ok: false; reason: string } {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[1]) return { ok: false, reason: 'that is not a JWT (three base64url parts separated by dots)' };
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(base64UrlDecode(parts[1])) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'the token’s payload is not JSON' };
  }
  if (typeof payload.orgId !== 'string' || payload.orgId === '') return { ok: false, reason: 'the token has no orgId claim' };
  if (typeof payload.sub !== 'string' || payload.sub === '') return { ok: false, reason: 'the token has no sub (user) claim' };
  const claims: TokenClaims = { orgId: payload.orgId, sub: payload.sub };
  if (typeof payload.exp === 'number') claims.exp = payload.exp;
  return { ok: true, claims };
}

/** Whether the token's expiry has passed at `nowMs`. */
export function expired(claims: TokenClaims, nowMs: number): boolean {
  return claims.exp !== undefined && claims.exp * 1000 <= nowMs;
}
