import { IAMError, LoginResult, SigmaIAM, SigmaIAMOptions } from '@sigma/iam-js';
import { createElement, ReactElement, ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { authUserOf, SigmaAuthUser } from './auth-user';
import { permits } from './permissions';
import { browserPage, BrowserPage, isRedirectCallback, leaveRedirectCallback, RedirectLoginOptions, startRedirectLogin } from './redirect-login';
import { MfaFactor, SigmaAuthContext, SigmaAuthState } from './sigma-auth-context';

export type SigmaAuthProviderProps = {
  children?: ReactNode;
  /**
   * Fetch the profile again when the page gets focus or becomes visible, so a session revoked in the
   * meantime signs the user out when they come back, and role changes show; default true.
   */
  revalidateOnFocus?: boolean;
} & (
  | {
      /** The app's SigmaIAM client; keep it stable (create it once, outside the component). */
      client: SigmaIAM;
      config?: never;
    }
  | {
      /** Options for a SigmaIAM client the provider creates once, on its first render. */
      config: SigmaIAMOptions;
      client?: never;
    }
);

interface Session {
  status: 'loading' | 'signed-in' | 'signed-out';
  user: SigmaAuthUser | null;
  error: IAMError | null;
}

/** A page that can tell the provider it got focus or became visible again (a browser's window and document). */
interface FocusEvents {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(b);
  return new Set(a).size === set.size && a.every((item) => set.has(item));
}

const sessionEnded = (): IAMError => new IAMError('SESSION_ENDED', 'The session has ended; sign in again', 401);

/**
 * Keeps the signed-in user of a SigmaIAM client in React state. On mount it restores a stored
 * session by fetching the profile; it signs the user out whenever the client reports that the suite
 * refused the session (a refused refresh during any call: revoked, expired, ended by reuse
 * detection), and picks up sign-ins done on the client directly (e.g. exchangeCodeForTokens).
 */
export function SigmaAuthProvider(props: SigmaAuthProviderProps): ReactElement {
  const { children, revalidateOnFocus = true } = props;
  const [created] = useState(() => (props.client === undefined ? new SigmaIAM(props.config) : null));
  const client = props.client ?? created;
  if (client === null) throw new TypeError('SigmaAuthProvider needs a client or a config');

  const [session, setSession] = useState<Session>({ status: 'loading', user: null, error: null });
  // Every sign-in and sign-out starts a new generation; answers of calls started before are dropped.
  const generation = useRef(0);
  const signingIn = useRef(false);
  const revalidating = useRef<Promise<SigmaAuthUser | null> | null>(null);
  const redirecting = useRef<Promise<unknown> | null>(null);
  const shownUser = useRef<SigmaAuthUser | null>(null);
  useEffect(() => {
    shownUser.current = session.user;
  }, [session.user]);

  const load = useCallback(
    async (quiet = false): Promise<SigmaAuthUser | null> => {
      const started = generation.current;
      const shown = shownUser.current;
      try {
        const user = authUserOf(await client.getProfile());
        if (shown !== null && shown.id === user.id && !sameSet(shown.permissions, user.permissions)) {
          // The access token still carries the old grants: a refresh reads them again, so the calls
          // the UI now offers (or hides) get the same answer from the suite.
          await client.refreshTokens().catch((error: unknown) => {
            if (!(error instanceof IAMError)) throw error;
          });
        }
        if (started === generation.current) setSession({ status: 'signed-in', user, error: null });
        return user;
      } catch (error) {
        if (!(error instanceof IAMError)) throw error;
        if (started !== generation.current) return null;
        if (error.status === 0 && error.code === 'AUTHENTICATION_REQUIRED') {
          // Nothing stored: signed out, and nothing went wrong.
          setSession((current) => ({ status: 'signed-out', user: null, error: current.error }));
        } else if (error.status === 401) {
          setSession((current) => ({ status: 'signed-out', user: null, error: current.error ?? sessionEnded() }));
        } else if (!quiet) {
          // The suite could not answer: a signed-in user stays signed in; a restore ends signed out.
          setSession((current) => (current.status === 'loading' ? { status: 'signed-out', user: null, error } : { ...current, error }));
        }
        return null;
      }
    },
    [client],
  );

  /**
   * At the redirect back from the suite: @sigma/iam-js checks the state (a sign-in this tab started,
   * single use) and the issuer, redeems the code with the remembered verifier and loads the user.
   * A response to someone else's request (unknown state) is left alone.
   */
  const finishRedirect = useCallback(
    async (page: BrowserPage, href: string): Promise<void> => {
      // No generation check here: the user has just come back from signing in, and StrictMode's
      // remount (which starts a new generation) must not drop the answer.
      generation.current += 1;
      signingIn.current = true;
      try {
        const { user } = await client.handleRedirectCallback(href);
        leaveRedirectCallback(page, href);
        setSession({ status: 'signed-in', user: authUserOf(user), error: null });
      } catch (error) {
        if (!(error instanceof IAMError)) throw error;
        if (error.code === 'INVALID_STATE') {
          await load();
          return;
        }
        leaveRedirectCallback(page, href);
        setSession({ status: 'signed-out', user: null, error });
      } finally {
        signingIn.current = false;
      }
    },
    [client, load],
  );

  useEffect(() => {
    const unsubscribe = client.onAuthChange((change) => {
      if (change.type === 'signed-out') {
        generation.current += 1;
        setSession({ status: 'signed-out', user: null, error: change.reason === 'session-ended' ? sessionEnded() : null });
      } else if (change.type === 'signed-in' && !signingIn.current) {
        void load();
      }
    });
    const page = browserPage();
    if (redirecting.current !== null) {
      // An earlier mount (StrictMode's second effect run) is finishing the redirect; it loads the user.
    } else if (page !== undefined && isRedirectCallback(page)) {
      redirecting.current = finishRedirect(page, page.location.href).finally(() => {
        redirecting.current = null;
      });
    } else {
      void load();
    }
    return () => {
      generation.current += 1;
      unsubscribe();
    };
  }, [client, load, finishRedirect]);

  const signedIn = session.status === 'signed-in';
  useEffect(() => {
    const page = globalThis as Partial<FocusEvents> & { document?: FocusEvents & { visibilityState?: string } };
    const { document } = page;
    if (!revalidateOnFocus || !signedIn || typeof page.addEventListener !== 'function' || document === undefined) return;
    const revalidate = () => {
      if (document.visibilityState === 'hidden' || revalidating.current !== null) return;
      revalidating.current = load(true).finally(() => {
        revalidating.current = null;
      });
    };
    page.addEventListener('focus', revalidate);
    document.addEventListener('visibilitychange', revalidate);
    return () => {
      page.removeEventListener?.('focus', revalidate);
      document.removeEventListener('visibilitychange', revalidate);
    };
  }, [revalidateOnFocus, signedIn, load]);

  const signIn = useCallback(async (attempt: () => Promise<LoginResult>): Promise<SigmaAuthUser | null> => {
    generation.current += 1;
    const started = generation.current;
    signingIn.current = true;
    try {
      const user = authUserOf((await attempt()).user);
      if (started === generation.current) setSession({ status: 'signed-in', user, error: null });
      return user;
    } catch (error) {
      if (!(error instanceof IAMError)) throw error;
      if (started === generation.current) setSession((current) => ({ ...current, error }));
      return null;
    } finally {
      signingIn.current = false;
    }
  }, []);

  const login = useCallback((email: string, password: string) => signIn(() => client.login(email, password)), [client, signIn]);
  const completeMfaLogin = useCallback((mfaSessionId: string, factor: MfaFactor) => signIn(() => client.completeMfaLogin(mfaSessionId, factor)), [client, signIn]);

  const loginWithRedirect = useCallback(
    async (options: RedirectLoginOptions = {}): Promise<void> => {
      const page = browserPage();
      if (page === undefined) throw new TypeError('loginWithRedirect needs a browser page');
      await startRedirectLogin(client, page, options);
    },
    [client],
  );

  const logout = useCallback(async (): Promise<void> => {
    generation.current += 1;
    try {
      await client.logout();
      setSession({ status: 'signed-out', user: null, error: null });
    } catch (error) {
      // The tokens are gone here either way; the suite may still hold the session until it expires.
      if (!(error instanceof IAMError)) throw error;
      setSession({ status: 'signed-out', user: null, error });
    }
  }, [client]);

  const { user } = session;
  const hasPermission = useCallback((permission: string) => user !== null && permits(user.permissions, permission), [user]);
  const getAccessToken = useCallback(() => client.getAccessToken(), [client]);
  const refreshUser = useCallback(() => load(), [load]);

  const value = useMemo<SigmaAuthState>(
    () => ({
      user,
      isLoading: session.status === 'loading',
      isAuthenticated: session.status === 'signed-in',
      error: session.error,
      login,
      loginWithRedirect,
      completeMfaLogin,
      logout,
      hasPermission,
      getAccessToken,
      refreshUser,
      client,
    }),
    [user, session.status, session.error, login, loginWithRedirect, completeMfaLogin, logout, hasPermission, getAccessToken, refreshUser, client],
  );
  return createElement(SigmaAuthContext.Provider, { value }, children);
}
