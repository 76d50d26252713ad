import { createRemoteJWKSet, errors, importJWK, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJwks, type JwksStandIn } from './jwks.js';

describe('JWKS stand-in', () => {
  let idp: JwksStandIn;
  beforeAll(async () => {
    idp = await startJwks({ issuer: 'idp-test', audience: 'aud-test' });
  });
  afterAll(() => idp.close());

  it('publishes only the public half of its RS256 key, with its kid', async () => {
    const res = await fetch(idp.jwksUrl);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: idp.kid });
    for (const secretPart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(body.keys[0]).not.toHaveProperty(secretPart);
    expect(idp.privateJwk).toHaveProperty('d');
  });

  it('signs tokens that verify against the served JWKS with its issuer and audience', async () => {
    const jwks = createRemoteJWKSet(new URL(idp.jwksUrl));
    const token = await idp.sign({ sub: 'u1', orgId: 'o1' });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: 'idp-test', audience: 'aud-test', algorithms: ['RS256'] });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: idp.kid });
    expect(payload).toMatchObject({ sub: 'u1', orgId: 'o1', iss: 'idp-test', aud: 'aud-test' });
    expect(payload.exp! - payload.iat!).toBe(3600);

    const other = await idp.sign({ sub: 'u1' }, { issuer: 'someone-else', audience: null });
    await expect(jwtVerify(other, jwks, { issuer: 'idp-test' })).rejects.toBeInstanceOf(errors.JWTClaimValidationFailed);
  });

  it('lets another process sign with the exported private JWK', async () => {
    const key = await importJWK(idp.privateJwk, 'RS256');
    const token = await new SignJWT({ sub: 'u2' }).setProtectedHeader({ alg: 'RS256', kid: idp.kid }).setExpirationTime('5m').sign(key);
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUrl)));
    expect(payload.sub).toBe('u2');
  });

  it('answers 404 elsewhere and fails the JWKS route on a knob', async () => {
    expect((await fetch(`${idp.url}/keys`)).status).toBe(404);
    idp.setKnobs({ errorRate: 1, errorStatus: 503 });
    try {
      expect((await fetch(idp.jwksUrl)).status).toBe(503);
    } finally {
      idp.reset();
    }
    expect((await fetch(idp.jwksUrl)).status).toBe(200);
  });
});
