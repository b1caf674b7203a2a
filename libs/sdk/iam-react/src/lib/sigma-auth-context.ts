import type { IAMError, SigmaIAM } from '@sigma/iam-js';
import { createContext } from 'react';
import type { SigmaAuthUser } from './auth-user';
import type { RedirectLoginOptions } from './redirect-login';

/** The second factor that finishes a login which answered MFA_REQUIRED. */
export type MfaFactor = { totpCode: string } | { recoveryCode: string };

/** What useSigmaAuth() answers: seed 000's `{user, login, logout, isLoading, isAuthenticated, hasPermission}` and more. */
export interface SigmaAuthState {
  /** The signed-in user (the suite's user object with camelCase twins), null when signed out. */
  user: SigmaAuthUser | null;
  /** True until the provider knows whether a stored session is still good (the first profile call). */
  isLoading: boolean;
  isAuthenticated: boolean;
  /**
   * The last failure the user should hear about: a refused login (INVALID_CREDENTIALS,
   * RATE_LIMIT_EXCEEDED, MFA_REQUIRED with mfaSessionId, ...), an unreachable suite while restoring
   * or reloading the profile, or SESSION_ENDED when the suite refused the session (revoked or
   * expired). Cleared by the next successful sign-in and by logout.
   */
  error: IAMError | null;
  /**
   * Signs in with the direct login API. Resolves to the user, or to null when the suite refused
   * (the reason is in `error`); it does not reject for refusals, so it can be handed to a form as
   * `onLogin` without a try/catch.
   */
  login(email: string, password: string): Promise<SigmaAuthUser | null>;
  /**
   * Sends the browser to the suite's login page (authorization code flow with PKCE; every login
   * method the tenant offers). Needs `clientId` and `redirectUri` on the client; the redirect URI
   * must load this app, whose provider then redeems the code and signs the user in.
   */
  loginWithRedirect(options?: RedirectLoginOptions): Promise<void>;
  /** Finishes a login whose `error` is MFA_REQUIRED (error.mfaSessionId) with a TOTP or recovery code. */
  completeMfaLogin(mfaSessionId: string, factor: MfaFactor): Promise<SigmaAuthUser | null>;
  /** Ends the session at the suite and signs out here, even when the suite cannot be reached. */
  logout(): Promise<void>;
  /**
   * Whether the user's effective permissions (roles and groups, from the profile) cover
   * `permission`, with the suite's wildcards (`*`, `users:*`). False when signed out. For showing
   * and hiding UI only: the suite enforces permissions on every call.
   */
  hasPermission(permission: string): boolean;
  /** The current access token (refreshed first when it is about to expire), null when signed out. */
  getAccessToken(): Promise<string | null>;
  /** Fetches the profile again (after a role change or a profile update); null when signed out or on failure (see `error`). */
  refreshUser(): Promise<SigmaAuthUser | null>;
  /** The SigmaIAM client behind the provider, for every other call of the suite (same tokens, refresh and errors). */
  client: SigmaIAM;
}

export const SigmaAuthContext = createContext<SigmaAuthState | null>(null);
SigmaAuthContext.displayName = 'SigmaAuthContext';
