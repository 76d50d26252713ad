import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Http } from './api/http.js';
import type { Session } from './auth/session.js';

/** What every page needs: the signed-in session and the API client that carries its token. */
export interface AppContextValue {
  session: Session;
  http: Http;
  signOut: (reason?: string) => void;
}

export const AppContext = createContext<AppContextValue | undefined>(undefined);

export function useApp(): AppContextValue {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('useApp outside a signed-in page');
  return ctx;
}
