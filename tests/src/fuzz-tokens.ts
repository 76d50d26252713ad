import { createHmac, createPrivateKey, generateKeyPairSync, sign as cryptoSign, type JsonWebKey, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import type { SystemInfo } from './global-setup.js';

// Hostile bearer tokens for the fuzz suite, and the gateway's token rules written out as an oracle:
// which of them must get in (200) and which must not (401).

const MAX_AGE = 86_400;
const TOLERANCE = 5;

export type Signer = 'secret' | 'wrong-secret' | 'idp' | 'stranger' | 'ec' | 'none';
export interface TokenHeader {
  alg: string;
  kid: unknown;
  typ: unknown;
  signer: Signer;
}

export function tokenFuzz(system: SystemInfo, orgId: string) {
  const idp = system.identityProvider;
  const idpKey = createPrivateKey({ key: idp.privateJwk as JsonWebKey, format: 'jwk' });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const t0 = Math.floor(Date.now() / 1000);

  const signature = (alg: string, signer: Signer, input: string): string => {
    if (signer === 'none') return '';
    if (signer === 'secret' || signer === 'wrong-secret') {
      const bits = /^HS(256|384|512)$/.exec(alg)?.[1] ?? '256';
      return createHmac(`sha${bits}`, signer === 'secret' ? system.jwtSecret : 'a-wrong-secret-that-is-long-enough-0123456789').update(input).digest('base64url');
    }
    if (signer === 'ec') return cryptoSign('sha256', Buffer.from(input), { key: ec, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const key: KeyObject = signer === 'idp' ? idpKey : stranger;
    return cryptoSign(alg === 'RS512' ? 'sha512' : 'sha256', Buffer.from(input), alg.startsWith('PS') ? { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */ } : key).toString('base64url');
  };

  const idValue = (valid: string) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant<unknown>(valid) },
      fc.constant(undefined),
      fc.constantFrom<unknown>('', 'a:b', 'a b', 'a.b', 'ü', '\u0000', 42, null, ['x'], { $gt: '' }, '__proto__'),
      fc.integer({ min: 90, max: 400 }).map((n) => `${valid}-${'x'.repeat(n)}`),
      fc.string({ maxLength: 30 }),
    );
  const time = (offsets: number[]) => fc.oneof(fc.constant(undefined), fc.constantFrom(...offsets).map((o) => t0 + o), fc.constantFrom('soon', Number.POSITIVE_INFINITY, -1, 4_102_444_800, 1.5e12));

  const claims = fc.record({
    orgId: idValue(orgId),
    sub: idValue('fuzz-user'),
    exp: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(t0 + 600, t0 + 3_600) }, time([-7_200, -60, 60, MAX_AGE - 600, MAX_AGE + 3_600])),
    iat: fc.oneof({ weight: 2, arbitrary: fc.constant(t0) }, time([-MAX_AGE + 600, -MAX_AGE - 3_600, -60, 0, 3, 600, 3_600])),
    nbf: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, time([-60, 3_600])),
    iss: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>(idp.issuer) }, fc.constantFrom<unknown>(undefined, 'https://evil.example', '', [idp.issuer], 7)),
    aud: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>(idp.audience) }, fc.constantFrom<unknown>(undefined, 'another-api', [idp.audience, 'x'], ['x'], {})),
    pad: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, fc.integer({ min: 100, max: 6_000 }).map((n) => 'p'.repeat(n))),
  });
  const header = fc.record({
    alg: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('HS256', 'RS256') }, fc.constantFrom('HS384', 'HS512', 'RS512', 'PS256', 'ES256', 'none', 'NONE', 'None', '', 'hs256', 'EdDSA')),
    kid: fc.oneof({ weight: 3, arbitrary: fc.constant<unknown>(idp.kid) }, fc.constantFrom<unknown>(undefined, 'stranger', '', '../../.well-known/jwks.json', 1, null, ['a'], { $ne: 1 }), fc.integer({ min: 100, max: 3_000 }).map((n) => 'k'.repeat(n))),
    typ: fc.constantFrom<unknown>('JWT', undefined, 'at+jwt', 7),
    signer: fc.constantFrom<Signer>('secret', 'secret', 'idp', 'idp', 'wrong-secret', 'stranger', 'ec', 'none'),
  });

  /** The token as sent: header and payload as given (undefined claims left out), signed by `signer`. */
  const build = (h: TokenHeader, c: Record<string, unknown>) => {
    const head: Record<string, unknown> = { alg: h.alg, ...(h.kid !== undefined ? { kid: h.kid } : {}), ...(h.typ !== undefined ? { typ: h.typ } : {}) };
    const payload = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
    const input = `${b64(head)}.${b64(payload)}`;
    return { jwt: `${input}.${signature(h.alg, h.signer, input)}`, head, payload };
  };

  /** The gateway's rules (README, Security → Tokens), for tokens built above. */
  const accepts = (h: TokenHeader, c: Record<string, unknown>, now: number): boolean => {
    const keyed = (h.alg === 'HS256' && h.signer === 'secret') || (h.alg === 'RS256' && h.signer === 'idp' && (h.kid === undefined || h.kid === idp.kid));
    const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    const audOk = c.aud === idp.audience || (Array.isArray(c.aud) && c.aud.includes(idp.audience));
    const timesOk =
      num(c.exp) && c.exp > now - TOLERANCE && c.exp - now <= MAX_AGE + TOLERANCE &&
      (c.iat === undefined || (num(c.iat) && c.iat <= now + TOLERANCE && now - c.iat <= MAX_AGE + TOLERANCE)) &&
      (c.nbf === undefined || (num(c.nbf) && c.nbf <= now + TOLERANCE));
    const idsOk = typeof c.orgId === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(c.orgId) && typeof c.sub === 'string' && /^[\x21-\x7e]{1,200}$/.test(c.sub);
    return keyed && c.iss === idp.issuer && audOk && timesOk && idsOk;
  };

  return { header, claims, build, accepts };
}
