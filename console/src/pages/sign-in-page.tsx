import { useState } from 'preact/hooks';
import { expired, readClaims } from '../auth/claims.js';
import type { Session } from '../auth/session.js';
import { PageTitle } from '../components/page-title.js';

/**
 * Sign in by pasting a JWT. The console never sees a password: the token is what the BotWot back
 * end (or `npm start`, or `npm run dev-token`) issued, and the gateway checks it on every call.
 */
export function SignInPage({ onSignIn, notice }: { onSignIn: (s: Session) => void; notice: string | undefined }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const submit = (e: Event) => {
    e.preventDefault();
    const clean = token.trim().replace(/^Bearer\s+/i, '');
    const read = readClaims(clean);
    if (!read.ok) return setProblem(read.reason);
    if (expired(read.claims, Date.now())) return setProblem('the token has expired');
    onSignIn({ token: clean, claims: read.claims });
  };
  return (
    <main id="main" class="sign-in">
      <PageTitle title="Sign in">Sign in to the BotWot console</PageTitle>
      {notice ? (
        <p class="notice notice-info" role="status">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit} class="card">
        <label for="token">JSON Web Token</label>
        <p id="token-help" class="muted">
          Paste a token the BotWot back end issued. Its <code>orgId</code> decides what you see. Locally, <code>npm start</code> prints one, and a sign-in link.
        </p>
        <textarea
          id="token"
          name="token"
          rows={5}
          spellcheck={false}
          autocomplete="off"
          aria-describedby={problem ? 'token-help token-problem' : 'token-help'}
          aria-invalid={problem ? 'true' : undefined}
          value={token}
          onInput={(e) => setToken((e.target as HTMLTextAreaElement).value)}
        />
        {problem ? (
          <p id="token-problem" class="field-error" role="alert">
            {problem}
          </p>
        ) : null}
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </main>
  );
}
