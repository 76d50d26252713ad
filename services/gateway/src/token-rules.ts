import { orgIdSchema, userIdSchema } from '@botwot/shared/events';
import type { JWTPayload } from 'jose';
import type { Caller } from './auth.js';

/** What the gateway demands of a token's times, beyond a valid signature. */
export interface TokenTimeRules {
  /** seconds of clock skew forgiven on exp, nbf and iat */
  clockToleranceSeconds: number;
  /** the oldest a token may be (by iat), and the longest it may still be valid (exp - now) */
  maxAgeSeconds: number;
}

/**
 * Checks the claims jose leaves optional: `exp` must be there; `iat`, when present, may not lie in
 * the future and may not be older than the maximum age; and no token may stay valid for longer
 * than the maximum age from now (which bounds tokens without `iat`, too). `sub` and `orgId` must
 * fit the ids every part of the engine takes. Returns the caller, or why the token is refused.
 */
export function checkTokenClaims(payload: JWTPayload, rules: TokenTimeRules, nowSeconds: number): { ok: true; caller: Caller } | { ok: false; reason: string } {
  const { exp, iat } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { ok: false, reason: 'token must carry exp' };
  if (exp <= nowSeconds - rules.clockToleranceSeconds) return { ok: false, reason: 'token has expired' };
  if (exp - nowSeconds > rules.maxAgeSeconds + rules.clockToleranceSeconds) return { ok: false, reason: 'token is valid for longer than the gateway accepts' };
  if (iat !== undefined) {
    if (typeof iat !== 'number' || !Number.isFinite(iat)) return { ok: false, reason: 'iat must be a number' };
    if (iat > nowSeconds + rules.clockToleranceSeconds) return { ok: false, reason: 'token was issued in the future' };
    if (nowSeconds - iat > rules.maxAgeSeconds + rules.clockToleranceSeconds) return { ok: false, reason: 'token is older than the gateway accepts' };
  }
  const orgId = orgIdSchema.safeParse(payload.orgId);
  const userId = userIdSchema.safeParse(payload.sub);
  if (!orgId.success || !userId.success) return { ok: false, reason: 'token must carry sub (1–200 printable characters) and orgId (1–100 letters, digits, _ or -)' };
  return { ok: true, caller: { orgId: orgId.data, userId: userId.data } };
}
