import { createPrivateKey, createPublicKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, type Api } from './api-client.js';
import type { SystemInfo } from './global-setup.js';

// The gateway's token checks end to end: RS256 tokens from the identity provider's JWKS (the
// stand-in the launcher starts) next to the HS256 dev secret, with issuer and audience required of
// both; every forged, stale or misaddressed token is a 401 in the API's error shape. Plus the body
// size limit. (The rate limit is unit-tested through createApp: the test stack's limits are high.)

const run = randomUUID().slice(0, 8);
const org = `org-sec-${run}`;
const LEAK = /\bat [\w.<>]+ \(|\n\s+at |node_modules|\.[cm]?[jt]s:\d+|"stack"|jwks|JWS|JWT[A-Z]\w+|ERR_JW/;

const steps = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'w' },
  { stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'hi {{message_text}}' } },
];

interface Answer {
  status: number;
  text: string;
  body: any;
  headers: Headers;
}

describe('security: tokens and limits', () => {
  let gatewayUrl: string;
  let idp: SystemInfo['identityProvider'];
  let jwtSecret: string;
  let idpKey: KeyObject;
  let api: Api;
  let workflowId: string;

  const now = () => Math.floor(Date.now() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  async function send(method: string, path: string, token: string | undefined, body?: BodyInit, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: { ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body, duplex: 'half' } : {}),
    } as RequestInit);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, text, body: parsed, headers: res.headers };
  }

  function expectError(res: Answer, status: number, code: string, what: string) {
    expect(res.status, `${what}: ${res.text}`).toBe(status);
    expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
    expect(res.body, what).toEqual({ success: false, error: { code, message: expect.any(String) } });
    expect(res.text, what).not.toMatch(LEAK);
  }

  /** An RS256 token as the identity provider signs it: its key and kid, its issuer and audience, valid for an hour. */
  const rs256 = (claims: JWTPayload = {}, opts: { key?: CryptoKey | KeyObject | Uint8Array; header?: Record<string, unknown>; iss?: string | null; aud?: string | null; alg?: string } = {}) => {
    const jwt = new SignJWT({ orgId: org, sub: 'rs-user', iat: now(), exp: now() + 3600, ...claims }).setProtectedHeader({
      alg: opts.alg ?? 'RS256',
      typ: 'JWT',
      kid: idp.kid,
      ...opts.header,
    });
    const iss = opts.iss === undefined ? idp.issuer : opts.iss;
    const aud = opts.aud === undefined ? idp.audience : opts.aud;
    if (iss !== null) jwt.setIssuer(iss);
    if (aud !== null) jwt.setAudience(aud);
    return jwt.sign(opts.key ?? idpKey);
  };
  /** An HS256 token with the given secret, the right issuer and audience unless told otherwise. */
  const hs256 = (secret: Uint8Array | string, claims: JWTPayload = {}) =>
    new SignJWT({ orgId: org, sub: 'hs-user', iss: idp.issuer, aud: idp.audience, iat: now(), exp: now() + 3600, ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);

  beforeAll(async () => {
    const system = inject('system');
    gatewayUrl = system.gatewayUrl;
    idp = system.identityProvider;
    jwtSecret = system.jwtSecret;
    idpKey = createPrivateKey({ key: idp.privateJwk as JsonWebKey, format: 'jwk' });
    api = await apiAs(org);
    const created = await api.post('/workFlow', { name: 'guarded by tokens', steps });
    expect(created.status).toBe(201);
    workflowId = created.body.id;
  });

  const countWorkflows = async () => {
    const res = await api.get('/workFlow?limit=1');
    expect(res.status).toBe(200);
    return res.body.total as number;
  };

  it('publishes the RS256 key the gateway trusts, and only its public half', async () => {
    const res = await fetch(idp.jwksUrl);
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: JWK[] };
    expect(keys.map((k) => [k.kid, k.kty, k.alg])).toEqual([[idp.kid, 'RSA', 'RS256']]);
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('accepts an RS256 token from the JWKS: same org scope as the HS256 dev token, writes as its user', async () => {
    const token = await rs256();
    const list = await send('GET', '/workFlow', token);
    expect(list.status, list.text).toBe(200);
    expect(list.body.workflows.map((w: any) => w.id)).toContain(workflowId);
    expect((await send('GET', `/workFlow/${workflowId}`, token)).body).toMatchObject({ id: workflowId, name: 'guarded by tokens' });

    const created = await send('POST', '/workFlow', token, JSON.stringify({ name: 'made with RS256', steps }));
    expect(created.status, created.text).toBe(201);
    const done = await send('POST', `/workFlow/${created.body.id}/execute?wait=20`, token, JSON.stringify({ triggerData: { phone_number: '+919800000002' } }));
    expect(done.status, done.text).toBe(200);
    expect(done.body.execution).toMatchObject({ orgId: org, userId: 'rs-user' });
    // A token issued a moment ago with the kid in the header is enough: the gateway fetched the JWKS itself.
    expect((await send('GET', '/workFlow', await rs256({ sub: 'other-user' }))).status).toBe(200);
  });

  it('answers 401 UNAUTHORIZED in the error shape to every forged, stale or misaddressed token, and writes nothing', async () => {
    const stranger = await generateKeyPair('RS256', { extractable: true });
    const strangerJwk = await exportJWK(stranger.publicKey);
    const publicPem = createPublicKey(idpKey).export({ type: 'spki', format: 'pem' }) as string;
    const publicJwkText = JSON.stringify({ kty: idp.privateJwk.kty, n: idp.privateJwk.n, e: idp.privateJwk.e });
    const claims = { orgId: org, sub: 'rs-user', iss: idp.issuer, aud: idp.audience, iat: now(), exp: now() + 3600 };

    const cases: [string, string][] = [
      ['RS256 signed by another key under the JWKS kid', await rs256({}, { key: stranger.privateKey })],
      ['RS256 signed by another key under its own kid', await rs256({}, { key: stranger.privateKey, header: { kid: 'stranger' } })],
      ['RS256 signed by another key, no kid', await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(stranger.privateKey)],
      ['RS256 with its own key embedded in the header (jwk)', await rs256({}, { key: stranger.privateKey, header: { kid: undefined, jwk: strangerJwk } })],
      ['RS256 pointing at another key set (jku)', await rs256({}, { key: stranger.privateKey, header: { jku: 'http://127.0.0.1:9/.well-known/jwks.json' } })],
      ['RS256 expired an hour ago', await rs256({ iat: now() - 7200, exp: now() - 3600 })],
      ['RS256 expired a minute ago (beyond the clock tolerance)', await rs256({ iat: now() - 600, exp: now() - 60 })],
      ['RS256 not valid yet (nbf in an hour)', await rs256({ nbf: now() + 3600 })],
      ['RS256 from another issuer', await rs256({}, { iss: 'https://evil.example' })],
      ['RS256 without an issuer', await rs256({}, { iss: null })],
      ['RS256 for another audience', await rs256({}, { aud: 'some-other-api' })],
      ['RS256 without an audience', await rs256({}, { aud: null })],
      ['RS256 without orgId', await rs256({ orgId: undefined })],
      ['RS256 without sub', await rs256({ sub: undefined })],
      ['RS256 with the signature cut off', `${(await rs256()).split('.').slice(0, 2).join('.')}.`],
      ['RS256 with the payload swapped to another org', await (async () => {
        const [h, , s] = (await rs256()).split('.');
        return `${h}.${b64({ ...claims, orgId: `${org}-victim` })}.${s}`;
      })()],
      ['RS512 with the right key (only RS256 is accepted)', await rs256({}, { alg: 'RS512' })],
      ['PS256 with the right key', await rs256({}, { alg: 'PS256' })],
      ['alg: none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
      ['alg: NONE with a kid', `${b64({ alg: 'NONE', typ: 'JWT', kid: idp.kid })}.${b64(claims)}.`],
      ['HS256 with a wrong secret', await hs256('some-other-secret-that-is-long-enough-0123456789')],
      ['HS256 keyed with the RSA public key PEM (algorithm confusion)', await hs256(publicPem)],
      ['HS256 keyed with the RSA public JWK (algorithm confusion)', await hs256(publicJwkText)],
      ['HS256 keyed with the RSA public key PEM under the JWKS kid', await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: idp.kid }).sign(new TextEncoder().encode(publicPem))],
      ['HS256 with the right secret but another issuer', await hs256(jwtSecret, { iss: 'someone-else' })],
      ['HS256 with the right secret but no audience', await hs256(jwtSecret, { aud: undefined })],
      ['HS256 with the right secret, expired', await hs256(jwtSecret, { iat: now() - 7200, exp: now() - 3600 })],
      ['HS256 with the right secret, not valid yet', await hs256(jwtSecret, { nbf: now() + 3600 })],
    ];

    const before = await countWorkflows();
    for (const [what, token] of cases) {
      expectError(await send('GET', '/workFlow', token), 401, 'UNAUTHORIZED', `${what} → GET /workFlow`);
      expectError(await send('GET', `/workFlow/${workflowId}`, token), 401, 'UNAUTHORIZED', `${what} → GET /workFlow/:id`);
      expectError(await send('POST', '/workFlow', token, JSON.stringify({ name: `forged ${what}`, steps })), 401, 'UNAUTHORIZED', `${what} → POST /workFlow`);
      expectError(await send('PUT', `/workFlow/${workflowId}`, token, JSON.stringify({ name: 'hijacked', steps })), 401, 'UNAUTHORIZED', `${what} → PUT /workFlow/:id`);
    }
    expect(await countWorkflows()).toBe(before);
    expect((await api.get(`/workFlow/${workflowId}`)).body).toMatchObject({ name: 'guarded by tokens', version: 1 });

    // The baseline these differ from: the same construction with the right key, claims and secret passes.
    expect((await send('GET', '/workFlow', await rs256())).status).toBe(200);
    expect((await send('GET', '/workFlow', await hs256(jwtSecret))).status).toBe(200);
  });

  it('answers 413 PAYLOAD_TOO_LARGE to a body over the limit, with or without Content-Length, and stores nothing', async () => {
    const before = await countWorkflows();
    const token = api.token;
    const big = JSON.stringify({ name: 'too big', steps: [{ ...steps[0], config: { triggerType: 'whatsapp', pad: 'x'.repeat(300 * 1024) } }, steps[1]] });
    expectError(await send('POST', '/workFlow', token, big), 413, 'PAYLOAD_TOO_LARGE', 'POST /workFlow with Content-Length');

    const chunks = (text: string) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < text.length; i += 16 * 1024) controller.enqueue(new TextEncoder().encode(text.slice(i, i + 16 * 1024)));
          controller.close();
        },
      });
    // A chunked upload is answered as soon as it passes the limit, and the connection is closed:
    // a client still writing may see that close (EPIPE/reset) instead of reading the 413. Either way
    // nothing is stored, which the count below checks.
    const refusedChunked = async (path: string, body: string, what: string) => {
      const res = await send('POST', path, token, chunks(body)).catch((error: unknown) => error as Error);
      if (res instanceof Error) expect(String((res.cause as Error | undefined)?.message ?? res.message), what).toMatch(/EPIPE|ECONNRESET|other side closed|socket/i);
      else expectError(res, 413, 'PAYLOAD_TOO_LARGE', what);
    };
    await refusedChunked('/workFlow', big, 'POST /workFlow chunked');
    await refusedChunked(`/workFlow/${workflowId}/execute`, JSON.stringify({ triggerData: { blob: 'y'.repeat(300 * 1024) } }), 'POST /execute chunked');
    // Replacing is limited the same way.
    expectError(await send('PUT', `/workFlow/${workflowId}`, token, big), 413, 'PAYLOAD_TOO_LARGE', 'PUT /workFlow/:id');
    expect(await countWorkflows()).toBe(before);
    expect((await api.get(`/workFlow/${workflowId}`)).body).toMatchObject({ version: 1 });
    expect((await api.get(`/workFlow/${workflowId}/executions`)).body.total).toBe(0);

    // Just under the limit is accepted (the limit is the limit, not a lower one).
    const under = JSON.stringify({ name: 'just fits', steps: [{ ...steps[0], config: { triggerType: 'whatsapp', pad: 'x'.repeat(200 * 1024) } }, steps[1]] });
    expect((await send('POST', '/workFlow', token, under)).status).toBe(201);
    expect(await countWorkflows()).toBe(before + 1);
  });
});
