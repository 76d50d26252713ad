import { createPrivateKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import http from 'node:http';
import { freePort } from '@botwot/local-servers';
import { SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningService } from '@botwot/launcher';
import { ended, eventually } from './api-client.js';
import type { SystemInfo } from './global-setup.js';
import { startGatewayReplica } from './replicas.js';

// Token rules through the real gateway: exp required, no iat in the future, no token older (or
// valid for longer) than JWT_MAX_AGE_SECONDS (24 h by default), sub and orgId within the limits
// every event and key behind the gateway has, and 503 (not 401) while the identity provider's
// key set cannot be fetched.

const run = randomUUID().slice(0, 8);
const org = `org-tok-${run}`;
const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

const steps = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'w' },
  { stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'hi {{message_text}}' } },
];

describe('security: token rules', () => {
  let system: SystemInfo;
  let idpKey: KeyObject;

  /** A token as the test stack's gateway accepts it (right key, iss, aud), with `claims` over the defaults; `undefined` removes a claim. */
  const token = (claims: Record<string, unknown>, alg: 'HS256' | 'RS256' = 'HS256') => {
    const payload: JWTPayload = { orgId: org, sub: 'tok-user', iss: system.identityProvider.issuer, aud: system.identityProvider.audience, iat: now(), exp: now() + 600 };
    for (const [k, v] of Object.entries(claims)) {
      if (v === undefined) delete payload[k];
      else payload[k] = v;
    }
    const jwt = new SignJWT(payload).setProtectedHeader(alg === 'HS256' ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid: system.identityProvider.kid });
    return alg === 'HS256' ? jwt.sign(new TextEncoder().encode(system.jwtSecret)) : jwt.sign(idpKey);
  };

  const call = async (base: string, method: string, path: string, bearer: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(() => {
    system = inject('system');
    idpKey = createPrivateKey({ key: system.identityProvider.privateJwk as JsonWebKey, format: 'jwk' });
  });

  it('refuses tokens without exp, issued in the future, older than the maximum age or valid for longer; HS256 and RS256 alike', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['no exp, iat in the year 2100 (the report of issue 9)', { exp: undefined, iat: 4_102_444_800 }],
      ['no exp', { exp: undefined }],
      ['iat in the year 2100, exp after it', { iat: 4_102_444_800, exp: 4_102_444_800 + 600 }],
      ['iat ten minutes ahead (beyond the clock tolerance)', { iat: now() + 600 }],
      ['iat two days ago, exp still ahead', { iat: now() - 2 * DAY, exp: now() + 600 }],
      ['exp in the year 2100', { exp: 4_102_444_800 }],
      ['exp in two days, no iat', { iat: undefined, exp: now() + 2 * DAY }],
    ];
    for (const alg of ['HS256', 'RS256'] as const) {
      for (const [what, claims] of cases) {
        const res = await call(system.gatewayUrl, 'GET', '/workFlow', await token(claims, alg));
        expect(res.status, `${alg} ${what}: ${res.text}`).toBe(401);
        expect(res.body, `${alg} ${what}`).toEqual({ success: false, error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
      }
      // the baseline: the same construction with sound times passes, also without iat and at the edges of the rules
      for (const claims of [{}, { iat: undefined }, { iat: now() - DAY + 60, exp: now() + DAY - 60 }, { iat: now() + 3 }]) {
        const res = await call(system.gatewayUrl, 'GET', '/workFlow', await token(claims, alg));
        expect(res.status, `${alg} ${JSON.stringify(claims)}: ${res.text}`).toBe(200);
      }
    }
  });

  it('holds sub and orgId to the engine-wide id limits at the edge: the longest allowed org runs end to end, one more character is a 401', async () => {
    const longest = `o${run}${'x'.repeat(100 - 1 - run.length)}`;
    expect(longest).toHaveLength(100);
    const refused: [string, Record<string, unknown>][] = [
      ['orgId of 101 characters (was 201 → 500 on execute)', { orgId: `${longest}y` }],
      ['orgId of 201 characters', { orgId: 'o'.repeat(201) }],
      ['orgId with a colon (part of keys such as org:key)', { orgId: `${org}:x` }],
      ['orgId with a space', { orgId: 'org x' }],
      ['orgId with a dot', { orgId: 'org.x' }],
      ['orgId in another script', { orgId: 'орг' }],
      ['sub of 201 characters', { sub: 'u'.repeat(201) }],
      ['sub with a space', { sub: 'a user' }],
      ['sub with a control character', { sub: 'user\u0007' }],
    ];
    for (const [what, claims] of refused) {
      const bearer = await token(claims);
      const created = await call(system.gatewayUrl, 'POST', '/workFlow', bearer, { name: 'too long', steps });
      expect(created.status, `${what}: ${created.text}`).toBe(401);
      expect(created.body.error.code, what).toBe('UNAUTHORIZED');
    }

    // The limit is the limit: 100 characters of orgId and 200 of sub (with an IdP's `|`) run through Kafka, the runners and Mongo.
    const bearer = await token({ orgId: longest, sub: `auth0|${'u'.repeat(194)}` });
    const created = await call(system.gatewayUrl, 'POST', '/workFlow', bearer, { name: 'longest ids', steps });
    expect(created.status, created.text).toBe(201);
    const started = await call(system.gatewayUrl, 'POST', `/workFlow/${created.body.id}/execute`, bearer, { triggerData: { phone_number: '+919800000031', message_text: 'long ids' } });
    expect(started.status, started.text).toBe(202);
    const api = { get: (path: string) => call(system.gatewayUrl, 'GET', path, bearer) };
    const { execution, logs } = await ended(api as never, started.body.executionId, 60_000);
    expect(execution).toMatchObject({ status: 'completed', orgId: longest, userId: `auth0|${'u'.repeat(194)}` });
    expect(logs).toHaveLength(2);
  });

  describe('while the identity provider cannot be reached', () => {
    let replica: RunningService;
    let idp: http.Server | undefined;
    let idpPort: number;
    let serving: 'keys' | 'error' = 'error';

    beforeAll(async () => {
      idpPort = await freePort();
      replica = await startGatewayReplica('tokens', { JWKS_URL: `http://127.0.0.1:${idpPort}/.well-known/jwks.json`, JWKS_TIMEOUT_MS: '1000' });
    });
    afterAll(async () => {
      await replica?.process.stop();
      await new Promise((resolve) => (idp ? idp.close(resolve) : resolve(undefined)));
    });

    it('answers 503 AUTH_UNAVAILABLE with Retry-After to RS256 tokens, still serves HS256 ones, and recovers when the key set is back', async () => {
      const rs = await token({}, 'RS256');
      // nothing listens on the JWKS port
      const refused = await call(replica.opsUrl, 'GET', '/workFlow', rs);
      expect(refused.status, refused.text).toBe(503);
      expect(refused.body).toEqual({ success: false, error: { code: 'AUTH_UNAVAILABLE', message: expect.any(String) } });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await call(replica.opsUrl, 'GET', '/workFlow', await token({}))).status).toBe(200);

      // the key set answers 500, then garbage: still the provider's fault, not the token's
      const jwks = await (await fetch(system.identityProvider.jwksUrl)).text();
      idp = http.createServer((_req, res) => {
        if (serving === 'keys') res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
        else res.writeHead(500).end('down');
      });
      await new Promise<void>((resolve) => idp!.listen(idpPort, '127.0.0.1', resolve));
      const failing = await call(replica.opsUrl, 'GET', '/workFlow', rs);
      expect(failing.status, failing.text).toBe(503);
      expect(failing.headers.get('retry-after')).toBeTruthy();

      serving = 'keys';
      const back = await eventually(
        async () => {
          const res = await call(replica.opsUrl, 'GET', '/workFlow', rs);
          return res.status === 200 ? res : undefined;
        },
        { what: 'the replica to accept RS256 tokens again', timeoutMs: 20_000 },
      );
      expect(back.status).toBe(200);
      // a forged RS256 token is a 401 again once the keys are known
      const forged = `${rs.split('.').slice(0, 2).join('.')}.${Buffer.from('not a signature').toString('base64url')}`;
      expect((await call(replica.opsUrl, 'GET', '/workFlow', forged)).status).toBe(401);
    });
  });
});
