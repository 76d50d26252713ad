import { Hono } from 'hono';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuth, type AuthEnv } from './auth.js';
import { errorResponse } from './errors.js';
import { pino } from 'pino';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';

function app() {
  const a = new Hono<AuthEnv>();
  a.use('*', createAuth({ secret: SECRET }));
  a.get('/who', (c) => c.json(c.get('caller')));
  a.onError((error, c) => errorResponse(error, c, pino({ level: 'silent' })));
  return a;
}

const sign = (claims: { exp: number; nbf?: number }) =>
  new SignJWT({ orgId: 'org-1', ...(claims.nbf ? { nbf: claims.nbf } : {}) }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime(claims.exp).sign(new TextEncoder().encode(SECRET));

describe('the verified-token cache', () => {
  afterEach(() => vi.useRealTimers());

  it('answers the same token again without a new verification, but refuses it once it has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ exp: now + 30 });
    const a = app();
    const call = () => a.request('/who', { headers: { authorization: `Bearer ${token}` } });
    expect((await call()).status).toBe(200);
    expect(await (await call()).json()).toEqual({ orgId: 'org-1', userId: 'u1' });
    vi.setSystemTime(new Date('2026-12-01T10:00:40Z'));
    expect((await call()).status).toBe(401);
  });

  it('a token with a bad signature is refused every time (failures are not kept)', async () => {
    const token = await sign({ exp: Math.floor(Date.now() / 1000) + 60 });
    const forged = `${token.slice(0, -4)}AAAA`;
    const a = app();
    for (let i = 0; i < 2; i++) expect((await a.request('/who', { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
  });
});
