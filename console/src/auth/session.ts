import { expired, readClaims, type TokenClaims } from './claims.js';

/** A signed-in person: the token sent with every call and what it says about them. */
export interface Session {
  token: string;
  claims: TokenClaims;
}

const KEY = 'botwot.console.token';

/**
 * The token lives in sessionStorage: it survives reloads of the tab, ends with the tab, and is
 * never written to a cookie, so no request carries it but the API calls that add it.
 */
export function loadSession(): Session | undefined {
  let token: string | null = null;
  try {
    token = sessionStorage.getItem(KEY);
  } catch {
    return undefined;
  }
  if (!token) return undefined;
  const read = readClaims(token);
  if (!read.ok || expired(read.claims, Date.now())) {
    clearSession();
    return undefined;
  }
  return { token, claims: read.claims };
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, session.token);
}

export function clearSession(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled: nothing was kept
  }
}

/**
 * A signed link (`/console#token=<jwt>`, as `npm start` prints) signs in without pasting. The token
 * is taken out of the address at once (replaceState), so it stays out of history and bookmarks.
 * Returns the token when the address had one.
 */
export function takeTokenFromLink(): string | undefined {
  const match = /^#token=([A-Za-z0-9._-]+)(?:&|$)/.exec(location.hash);
  if (!match?.[1]) return undefined;
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  return match[1];
}
