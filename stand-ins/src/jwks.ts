/**
 * Identity-provider stand-in: an RS256 key pair generated at start, its public half served as a
 * JWKS at `GET /.well-known/jwks.json` (the gateway's `JWKS_URL`), and `sign()` in-process for
 * tokens the gateway should accept. The private JWK is exposed so another process (the tests) can
 * sign too. Knobs apply to the JWKS route, so an unreachable or slow IdP can be simulated.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { apiError, startHttpStandIn, type StandIn, type StandInRequest, type StandInResponse } from './http.js';

/** Port `npm start` serves the JWKS on (tests use a free one). */
export const DEFAULT_JWKS_PORT = 18004;

export interface JwksOptions {
  port?: number;
  host?: string;
  /** `iss` of signed tokens unless sign() says otherwise */
  issuer?: string;
  /** `aud` of signed tokens unless sign() says otherwise */
  audience?: string;
}

export interface SignOptions {
  /** e.g. '1h'; default 1h. A number is seconds since the epoch. */
  expiresIn?: string | number;
  /** `nbf`, as for expiresIn; absent by default */
  notBefore?: string | number;
  /** overrides the stand-in's issuer; `null` leaves `iss` out */
  issuer?: string | null;
  /** overrides the stand-in's audience; `null` leaves `aud` out */
  audience?: string | string[] | null;
  /** the `kid` header; the served key's id by default */
  kid?: string;
}

export type JwksStandIn = StandIn & {
  /** where the gateway fetches the keys: `${url}/.well-known/jwks.json` */
  readonly jwksUrl: string;
  /** id of the served key (its RFC 7638 thumbprint) */
  readonly kid: string;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  /** the served public key, as published */
  readonly publicJwk: JWK;
  /** the private key, for signing in another process; never serve it */
  readonly privateJwk: JWK;
  /** Signs an RS256 token with the served key: claims as given, plus iat/exp/iss/aud per `opts`. */
  sign(claims: JWTPayload, opts?: SignOptions): Promise<string>;
};

export async function startJwks(opts: JwksOptions = {}): Promise<JwksStandIn> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const published: JWK = { ...publicJwk, kid, alg: 'RS256', use: 'sig' };
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };

  const handler = (req: StandInRequest): StandInResponse => {
    if (req.method === 'GET' && req.path === '/.well-known/jwks.json') {
      return { status: 200, body: { keys: [published] }, headers: { 'cache-control': 'max-age=300' } };
    }
    return apiError(404, `No route ${req.method} ${req.path}`, 'NotFound');
  };
  const base = await startHttpStandIn({ name: 'jwks', port: opts.port ?? 0, ...(opts.host ? { host: opts.host } : {}), handler });

  const sign = async (claims: JWTPayload, o: SignOptions = {}): Promise<string> => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: o.kid ?? kid }).setIssuedAt().setExpirationTime(o.expiresIn ?? '1h');
    if (o.notBefore !== undefined) jwt.setNotBefore(o.notBefore);
    const issuer = o.issuer === undefined ? opts.issuer : o.issuer;
    const audience = o.audience === undefined ? opts.audience : o.audience;
    if (issuer) jwt.setIssuer(issuer);
    if (audience) jwt.setAudience(audience);
    return jwt.sign(privateKey);
  };

  return Object.assign(base, {
    jwksUrl: `${base.url}/.well-known/jwks.json`,
    kid,
    issuer: opts.issuer,
    audience: opts.audience,
    publicJwk: published,
    privateJwk,
    sign,
  });
}
