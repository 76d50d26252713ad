import { useCallback, useMemo, useState } from 'preact/hooks';
import { createHttp } from './api/http.js';
import { AppContext } from './app-context.js';
import { clearSession, saveSession, type Session } from './auth/session.js';
import { DeadLettersPage } from './pages/dead-letters-page.js';
import { ExecutionPage } from './pages/execution-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { WorkflowPage } from './pages/workflow-page.js';
import { WorkflowsPage } from './pages/workflows-page.js';
import type { Route } from './router/routes.js';
import { navigate, useHashRoute } from './router/use-hash-route.js';

/** The console: sign-in until there is a session, then the page the address names. */
export function App({ initial }: { initial: Session | undefined }) {
  const [session, setSession] = useState(initial);
  const [notice, setNotice] = useState<string | undefined>();
  const route = useHashRoute();

  const signOut = useCallback((reason?: string) => {
    clearSession();
    setSession(undefined);
    setNotice(reason);
  }, []);
  const http = useMemo(() => (session ? createHttp({ token: session.token, onUnauthorized: () => signOut('The gateway refused the token (expired or not valid here). Sign in again.') }) : undefined), [session, signOut]);

  if (!session || !http) {
    return (
      <SignInPage
        notice={notice}
        onSignIn={(s) => {
          saveSession(s);
          setNotice(undefined);
          setSession(s);
          if (route.page === 'sign-in') navigate('#/workflows');
        }}
      />
    );
  }
  return (
    <AppContext.Provider value={{ session, http, signOut }}>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link; the handler moves focus itself, since the hash router would read #main as a route */}
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/workflows">
          BotWot console
        </a>
        <nav aria-label="Sections">
          <a href="#/workflows" aria-current={route.page === 'workflows' || route.page === 'workflow' ? 'page' : undefined}>
            Workflows
          </a>
          <a href="#/dead-letters" aria-current={route.page === 'dead-letters' ? 'page' : undefined}>
            Dead letters
          </a>
        </nav>
        <span class="who" data-org={session.claims.orgId}>
          org <strong>{session.claims.orgId}</strong> · {session.claims.sub}
        </span>
        <button type="button" class="link" onClick={() => signOut('Signed out.')}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} key={keyOf(route)} />
      </main>
    </AppContext.Provider>
  );
}

/** A new key remounts the page (and moves the focus to its heading) when it shows something else. */
function keyOf(route: Route): string {
  return route.page === 'workflow' || route.page === 'execution' ? `${route.page}:${route.id}` : route.page;
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'sign-in':
    case 'workflows':
      return <WorkflowsPage pageNo={route.page === 'workflows' ? route.pageNo : 1} />;
    case 'workflow':
      return <WorkflowPage route={route} />;
    case 'execution':
      return <ExecutionPage id={route.id} step={route.step} />;
    case 'dead-letters':
      return <DeadLettersPage />;
    case 'not-found':
      return <NotFoundPage path={route.path} />;
    default: {
      const never: never = route;
      return never;
    }
  }
}
