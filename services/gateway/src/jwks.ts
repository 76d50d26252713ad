import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from 'jose';

/** The identity provider's key set could not be read: the caller may try again (503), the token was not judged. */
export class KeySourceUnavailable extends Error {
  constructor(cause: unknown) {
    super('the identity provider key set cannot be fetched', { cause });
    this.name = 'KeySourceUnavailable';
  }
}

/**
 * An RS256 key source over the identity provider's JWKS. jose fetches and caches it; every way the
 * fetch can fail (refused, timed out, not 200, not a key set) surfaces as KeySourceUnavailable,
 * while an unknown `kid` stays a token problem.
 */
export function remoteKeySource(jwksUrl: string, opts: { timeoutMs: number }): JWTVerifyGetKey {
  const keys = createRemoteJWKSet(new URL(jwksUrl), {
    timeoutDuration: opts.timeoutMs,
    [customFetch]: async (url: string, init: RequestInit) => {
      let res: Response;
      try {
        res = await fetch(url, init);
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') throw error; // jose turns this into JWKSTimeout
        throw new KeySourceUnavailable(error);
      }
      if (res.status !== 200) throw new KeySourceUnavailable(new Error(`JWKS answered ${res.status}`));
      return res;
    },
  });
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (error instanceof KeySourceUnavailable) throw error;
      if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) throw new KeySourceUnavailable(error);
      if (error instanceof errors.JOSEError && /JSON Web Key Set HTTP response/.test(error.message)) throw new KeySourceUnavailable(error);
      throw error;
    }
  };
}
