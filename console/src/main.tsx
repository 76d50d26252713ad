import { render } from 'preact';
import { App } from './app.js';
import { readClaims } from './auth/claims.js';
import { loadSession, saveSession, takeTokenFromLink, type Session } from './auth/session.js';

/** Entry point: a token from a signed link wins over one kept from before, then the app renders. */
function start(): void {
  let session: Session | undefined;
  const linked = takeTokenFromLink();
  if (linked) {
    const read = readClaims(linked);
    if (read.ok) {
      session = { token: linked, claims: read.claims };
      saveSession(session);
    }
  }
  session ??= loadSession();
  const root = document.getElementById('app');
  if (root) render(<App initial={session} />, root);
}

start();
