import { describe, expect, it } from 'vitest';
import { expired, readClaims } from './claims.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const token = (payload: unknown) => `${b64({ alg: 'HS256' })}.${b64(payload)}.c2ln`;

describe('readClaims', () => {
  it('reads org, user and expiry', () => {
    expect(readClaims(token({ orgId: 'org-ü', sub: 'u1', exp: 10 }))).toEqual({ ok: true, claims: { orgId: 'org-ü', sub: 'u1', exp: 10 } });
  });

  it('says why a token is unusable', () => {
    expect(readClaims('nope')).toMatchObject({ ok: false, reason: expect.stringContaining('not a JWT') });
    expect(readClaims('a.b!.c')).toMatchObject({ ok: false });
    expect(readClaims(`x.${Buffer.from('{').toString('base64url')}.y`)).toMatchObject({ ok: false, reason: expect.stringContaining('JSON') });
    expect(readClaims(token({ sub: 'u1' }))).toMatchObject({ ok: false, reason: expect.stringContaining('orgId') });
    expect(readClaims(token({ orgId: 'o' }))).toMatchObject({ ok: false, reason: expect.stringContaining('sub') });
  });

  it('knows when it has expired', () => {
    expect(expired({ orgId: 'o', sub: 'u', exp: 10 }, 10_000)).toBe(true);
    expect(expired({ orgId: 'o', sub: 'u', exp: 10 }, 9_999)).toBe(false);
    expect(expired({ orgId: 'o', sub: 'u' }, Date.now())).toBe(false);
  });
});
