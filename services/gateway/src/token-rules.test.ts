import { describe, expect, it } from 'vitest';
import { checkTokenClaims } from './token-rules.js';

const NOW = 2_000_000_000;
const rules = { clockToleranceSeconds: 5, maxAgeSeconds: 3_600 };
const good = { sub: 'user-1', orgId: 'org-1', iat: NOW - 10, exp: NOW + 600 };
const check = (claims: Record<string, unknown>) => checkTokenClaims(claims, rules, NOW);

describe('checkTokenClaims', () => {
  it('accepts a token with exp, a past iat, and ids within the engine limits', () => {
    expect(check(good)).toEqual({ ok: true, caller: { orgId: 'org-1', userId: 'user-1' } });
    expect(check({ ...good, iat: undefined })).toMatchObject({ ok: true });
    expect(check({ ...good, sub: 'auth0|5f7c8ec7c33c6c004bbafe82', orgId: 'O'.repeat(100) })).toMatchObject({ ok: true });
    expect(check({ ...good, sub: 'u'.repeat(200) })).toMatchObject({ ok: true });
  });

  it.each([
    ['no exp', { ...good, exp: undefined }, 'exp'],
    ['exp as text', { ...good, exp: String(NOW + 600) }, 'exp'],
    ['exp in the past beyond the tolerance', { ...good, exp: NOW - 6 }, 'expired'],
    ['exp further away than the maximum age', { ...good, exp: NOW + 3_606 }, 'longer'],
    ['exp in the year 2100 without iat', { ...good, iat: undefined, exp: 4_102_444_800 }, 'longer'],
    ['iat in the future beyond the tolerance', { ...good, iat: NOW + 6 }, 'future'],
    ['iat in the year 2100', { ...good, iat: 4_102_444_800 }, 'future'],
    ['iat older than the maximum age', { ...good, iat: NOW - 3_606 }, 'older'],
    ['iat as text', { ...good, iat: 'yesterday' }, 'iat'],
    ['orgId of 101 characters', { ...good, orgId: 'o'.repeat(101) }, 'orgId'],
    ['orgId with a colon (it is part of keys)', { ...good, orgId: 'org:1' }, 'orgId'],
    ['orgId with a space', { ...good, orgId: 'org 1' }, 'orgId'],
    ['orgId as a number', { ...good, orgId: 42 }, 'orgId'],
    ['empty orgId', { ...good, orgId: '' }, 'orgId'],
    ['sub of 201 characters', { ...good, sub: 'u'.repeat(201) }, 'sub'],
    ['sub with a space', { ...good, sub: 'a user' }, 'sub'],
    ['sub with a non-ASCII character', { ...good, sub: 'usér' }, 'sub'],
    ['no sub', { ...good, sub: undefined }, 'sub'],
  ])('refuses %s', (_what, claims, reason) => {
    const result = check(claims);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('forgives the clock tolerance on every time, and not a second more', () => {
    expect(check({ ...good, iat: NOW + 5 })).toMatchObject({ ok: true });
    expect(check({ ...good, exp: NOW - 4 })).toMatchObject({ ok: true });
    expect(check({ ...good, iat: NOW - 3_605 })).toMatchObject({ ok: true });
    expect(check({ ...good, exp: NOW + 3_605 })).toMatchObject({ ok: true });
  });
});
