import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { devToken } from '@botwot/launcher';
import { apiAs, type Api } from './api-client.js';

// Who may call what: every route refuses a missing or bad token (401), and answers 404 to another
// org's ids exactly as to ids that do not exist, without changing anything.

const run = randomUUID().slice(0, 8);
const orgA = `org-auth-a-${run}`;
const orgB = `org-auth-b-${run}`;
const phone = '+919800000001';

const LEAK = /\bat [\w.<>]+ \(|\n\s+at |node_modules|\.[cm]?[jt]s:\d+|"stack"|mongo(?:ose|db)?server|E11000/i;

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

function expectError(res: Answer, status: number, code: string, what: string) {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
  expect(res.body, what).toMatchObject({ success: false, error: { code, message: expect.any(String) } });
  expect(Object.keys(res.body).sort(), what).toEqual(['error', 'success']);
  expect(JSON.stringify(res.body), what).not.toMatch(LEAK);
}

const steps = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'w' },
  { stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'hi {{message_text}}' } },
];

type Route = { method: string; path: string; body?: unknown };

/** The identity provider the gateway may trust (RS256 via JWKS, required iss/aud), when the system has one. */
interface IdentityProvider {
  privateJwk: JWK;
  kid: string;
  issuer: string;
  audience: string;
}

/** Every route of the API, aimed at one workflow and one execution. */
const everyRoute = (workflowId: string, executionId: string): Route[] => [
  { method: 'POST', path: '/workFlow', body: { name: 'sneaky', steps } },
  { method: 'GET', path: '/workFlow' },
  { method: 'GET', path: `/workFlow/${workflowId}` },
  { method: 'PUT', path: `/workFlow/${workflowId}`, body: { name: 'hijacked', steps } },
  { method: 'DELETE', path: `/workFlow/${workflowId}` },
  { method: 'POST', path: `/workFlow/${workflowId}/validate` },
  { method: 'POST', path: `/workFlow/${workflowId}/execute`, body: { triggerData: { phone_number: phone } } },
  { method: 'POST', path: `/workFlow/${workflowId}/test`, body: { triggerData: { phone_number: phone } } },
  { method: 'GET', path: `/workFlow/${workflowId}/executions` },
  { method: 'GET', path: `/workFlow/execution/${executionId}` },
  { method: 'POST', path: `/workFlow/execution/${executionId}/retry`, body: { from: 'start' } },
];
/** The routes that name a resource by id. */
const idRoutes = (workflowId: string, executionId: string) => everyRoute(workflowId, executionId).filter((r) => r.path !== '/workFlow');

describe('authentication and org scoping', () => {
  let gatewayUrl: string;
  let secret: Uint8Array;
  let a: Api;
  let b: Api;
  let workflowId: string;
  let executionId: string;

  async function send(route: Route, authorization?: string): Promise<Answer> {
    const res = await fetch(`${gatewayUrl}${route.path}`, {
      method: route.method,
      headers: {
        ...(authorization !== undefined ? { authorization } : {}),
        ...(route.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(route.body !== undefined ? { body: JSON.stringify(route.body) } : {}),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: res.status, body, headers: res.headers };
  }

  let idp: IdentityProvider | undefined;
  /** iss and aud as the gateway requires them (none when it requires none), so each bad token below has one fault only. */
  let registered: Record<string, string>;

  const now = () => Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>, key: Uint8Array = secret, alg = 'HS256') => new SignJWT({ ...registered, ...claims }).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  /** [what, Authorization header or undefined for none] */
  let badAuth: [string, string | undefined][];

  beforeAll(async () => {
    const system = inject('system');
    gatewayUrl = system.gatewayUrl;
    secret = new TextEncoder().encode(system.jwtSecret);
    idp = (system as { identityProvider?: IdentityProvider }).identityProvider;
    registered = idp ? { iss: idp.issuer, aud: idp.audience } : {};
    a = await apiAs(orgA);
    b = await apiAs(orgB);

    const created = await a.post('/workFlow', { name: 'guarded', steps });
    expect(created.status).toBe(201);
    workflowId = created.body.id;
    const done = await a.post(`/workFlow/${workflowId}/execute?wait=45`, { triggerData: { phone_number: phone, message_text: 'x' } });
    expect(done.status).toBe(200);
    executionId = done.body.executionId;

    const good = await devToken({ orgId: orgA, userId: 'alice', secret: system.jwtSecret });
    const [header, , signature] = good.split('.');
    const rsa = await generateKeyPair('RS256');
    const claims = { ...registered, orgId: orgA, sub: 'alice' };
    badAuth = [
      ['no Authorization header', undefined],
      ['an empty Bearer', 'Bearer '],
      ['a garbage token', 'Bearer not-a-jwt'],
      ['three garbage segments', 'Bearer aaa.bbb.ccc'],
      ['Basic credentials', `Basic ${Buffer.from('alice:password').toString('base64')}`],
      ['a token without the Bearer scheme', good],
      ['an expired token', `Bearer ${await sign({ ...claims, iat: now() - 7200, exp: now() - 3600 })}`],
      ['a token that is not valid yet', `Bearer ${await sign({ ...claims, iat: now(), nbf: now() + 3600, exp: now() + 7200 })}`],
      ['a token signed with another secret', `Bearer ${await sign(claims, new TextEncoder().encode('some-other-secret-that-is-long-enough-0123456789'))}`],
      ['an unsigned token (alg: none)', `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: now() + 3600 })}.`],
      ['alg: none with the real signature attached', `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: now() + 3600 })}.${signature}`],
      ['HS512 with the right secret', `Bearer ${await sign({ ...claims, exp: now() + 3600 }, secret, 'HS512')}`],
      ['RS256 from an unknown key', `Bearer ${await new SignJWT({ ...claims, exp: now() + 3600 }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey)}`],
      ['a payload swapped to another org under the original signature', `Bearer ${header}.${b64({ ...registered, orgId: orgB, sub: 'alice', exp: now() + 3600 })}.${signature}`],
      ['a token without orgId', `Bearer ${await sign({ sub: 'alice', exp: now() + 3600 })}`],
      ['a token without sub', `Bearer ${await sign({ orgId: orgA, exp: now() + 3600 })}`],
      ['a token with an empty orgId', `Bearer ${await sign({ orgId: '', sub: 'alice', exp: now() + 3600 })}`],
      ['a token with a numeric orgId', `Bearer ${await sign({ orgId: 42, sub: 'alice', exp: now() + 3600 })}`],
      ['a token with an empty sub', `Bearer ${await sign({ orgId: orgA, sub: '', exp: now() + 3600 })}`],
    ];
    if (idp) {
      badAuth.push(
        ['a token from another issuer', `Bearer ${await sign({ ...claims, iss: 'https://evil.example', exp: now() + 3600 })}`],
        ['a token for another audience', `Bearer ${await sign({ ...claims, aud: 'another-service', exp: now() + 3600 })}`],
        ['a token without iss and aud', `Bearer ${await new SignJWT({ orgId: orgA, sub: 'alice', exp: now() + 3600 }).setProtectedHeader({ alg: 'HS256' }).sign(secret)}`],
        ["RS256 naming the provider's key id but signed with another key", `Bearer ${await new SignJWT({ ...claims, exp: now() + 3600 }).setProtectedHeader({ alg: 'RS256', kid: idp.kid }).sign(rsa.privateKey)}`],
      );
    }
  });

  it('accepts good tokens (the baseline the refusals below differ from)', async () => {
    const system = inject('system');
    const token = await devToken({ orgId: orgA, userId: 'alice', secret: system.jwtSecret });
    const res = await send({ method: 'GET', path: `/workFlow/${workflowId}` }, `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(workflowId);
    if (idp) {
      // An RS256 token from the identity provider the gateway trusts.
      const key = await importJWK(idp.privateJwk, 'RS256');
      const rs = await new SignJWT({ ...registered, orgId: orgA, sub: 'alice', exp: now() + 600 }).setProtectedHeader({ alg: 'RS256', kid: idp.kid }).sign(key);
      expect((await send({ method: 'GET', path: `/workFlow/${workflowId}` }, `Bearer ${rs}`)).status).toBe(200);
    }
    // A token expired within the gateway's few seconds of clock tolerance still passes.
    const justExpired = await sign({ orgId: orgA, sub: 'alice', iat: now() - 60, exp: now() - 1 });
    expect((await send({ method: 'GET', path: '/workFlow' }, `Bearer ${justExpired}`)).status).toBe(200);
  });

  it('answers 401 UNAUTHORIZED on every route to every kind of bad token, and changes nothing', async () => {
    for (const [what, authorization] of badAuth) {
      const answers = await Promise.all(everyRoute(workflowId, executionId).map(async (r) => [r, await send(r, authorization)] as const));
      for (const [r, res] of answers) expectError(res, 401, 'UNAUTHORIZED', `${what} → ${r.method} ${r.path}`);
    }
    const after = await a.get(`/workFlow/${workflowId}`);
    expect(after.body).toMatchObject({ name: 'guarded', status: 'active', version: 1 });
    const executions = await a.get(`/workFlow/${workflowId}/executions`);
    expect(executions.body.executions.map((e: any) => e.executionId)).toEqual([executionId]);
    expect((await a.get('/workFlow?limit=100')).body.workflows.some((w: any) => w.name === 'sneaky')).toBe(false);
  });

  it("answers 404 NOT_FOUND on every id route to another org's workflow and execution, exactly as to unknown ids, and changes nothing", async () => {
    const theirs = await Promise.all(idRoutes(workflowId, executionId).map(async (r) => [r, await b.raw(r.method, r.path, r.body)] as const));
    for (const [r, res] of theirs) expectError(res, 404, 'NOT_FOUND', `org B → ${r.method} ${r.path}`);

    const unknown = await Promise.all(idRoutes('0123456789abcdef01234567', randomUUID()).map(async (r) => [r, await a.raw(r.method, r.path, r.body)] as const));
    for (const [i, [r, res]] of unknown.entries()) {
      expectError(res, 404, 'NOT_FOUND', `unknown id → ${r.method} ${r.path}`);
      // Nothing tells the two apart, so ids cannot be probed across orgs.
      expect(res.body.error.message).toBe(theirs[i]?.[1].body.error.message);
    }

    // Org B's list does not show org A's workflow; org A's workflow and history are as they were.
    expect((await b.get('/workFlow')).body.workflows.some((w: any) => w.id === workflowId)).toBe(false);
    const after = await a.get(`/workFlow/${workflowId}`);
    expect(after.body).toMatchObject({ name: 'guarded', status: 'active', version: 1, latestVersion: 1 });
    const executions = await a.get(`/workFlow/${workflowId}/executions`);
    expect(executions.body.executions.map((e: any) => e.executionId)).toEqual([executionId]);
  });

  it('a user of the same org reaches the same workflows (scope is the org); the execution records who started it', async () => {
    const shared = (await a.post('/workFlow', { name: 'shared in the org', steps })).body.id as string;
    const colleague = await apiAs(orgA, 'bob');
    expect((await colleague.get(`/workFlow/${shared}`)).status).toBe(200);
    const done = await colleague.post(`/workFlow/${shared}/execute?wait=45`, { triggerData: { phone_number: phone } });
    expect(done.status).toBe(200);
    expect(done.body.execution).toMatchObject({ orgId: orgA, userId: 'bob' });
  });

  it('answers JSON 404 to unknown routes (after auth under /workFlow) and keeps ops routes open', async () => {
    const token = `Bearer ${a.token}`;
    expectError(await send({ method: 'GET', path: `/workFlow/${workflowId}/nope` }, token), 404, 'NOT_FOUND', 'unknown route');
    expectError(await send({ method: 'PATCH', path: `/workFlow/${workflowId}` }, token), 404, 'NOT_FOUND', 'unknown method');
    expectError(await send({ method: 'GET', path: `/workFlow/${workflowId}/nope` }), 401, 'UNAUTHORIZED', 'unknown route without token');
    expectError(await send({ method: 'GET', path: '/nothing-here' }), 404, 'NOT_FOUND', 'unknown top-level route');
    expect((await send({ method: 'GET', path: '/healthz' })).status).toBe(200);
  });
});
