/** The suite's user object (seed 000 UserResponse), as /api/v1 answers it. */
export interface SigmaUser {
  id: string;
  tenant_id: string;
  email: string;
  username: string;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  email_verified: boolean;
  is_active: boolean;
  roles: string[];
  permissions: string[];
  created_at: string;
  updated_at: string;
  last_login: string | null;
}

/** What login answers (seed 000's SDK: `{user, accessToken, refreshToken}`). */
export interface LoginResult {
  user: SigmaUser;
  accessToken: string;
  refreshToken: string;
  idToken?: string;
  tokenType: string;
  expiresIn: number;
  scope: string;
}

/** The tokens of the OAuth token endpoint (camelCase), as exchangeCodeForTokens answers them. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  tokenType: string;
  expiresIn: number;
  scope?: string;
}

/** updateProfile's changes: the suite takes snake_case and the SDK's camelCase alike. */
export interface ProfileChanges {
  fullName?: string;
  firstName?: string;
  lastName?: string;
  full_name?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}

export interface UserRoles {
  user_id: string;
  roles: Array<{ id: string; name: string; slug: string }>;
  permissions: string[];
}

export interface RoleAssignment {
  user_id: string;
  roles: Array<{ id: string; name: string }>;
}

/** Seed 000's ApplicationCreateRequest; the suite's further registry settings pass through. */
export interface ApplicationCreateRequest {
  client_name: string;
  client_type?: 'confidential' | 'public';
  redirect_uris?: string[];
  allowed_grant_types?: string[];
  allowed_scopes?: string[];
  [setting: string]: unknown;
}

/** Seed 000's ApplicationResponse; client_secret only in the answer that created it. */
export interface Application {
  id: string;
  client_id: string;
  client_secret?: string | null;
  client_name: string;
  client_type: 'confidential' | 'public';
  redirect_uris: string[];
  allowed_grant_types: string[];
  allowed_scopes: string[];
  is_active: boolean;
  created_at: string;
  [field: string]: unknown;
}

export interface AuthorizationUrlParams {
  scope?: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  redirectUri?: string;
  prompt?: string;
  loginHint?: string;
  /**
   * A social provider (google, github, microsoft, ...): the URL is then the suite's social login
   * (seed 000's /api/v1/auth/social/{provider}); scope, nonce, prompt and loginHint do not apply
   * there (the tokens carry openid profile email).
   */
  provider?: string;
}

/** A complete authorization request: the URL to send the browser to and what the callback needs. */
export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface CodeExchange {
  code: string;
  codeVerifier?: string;
  redirectUri?: string;
}

/** The claims of a verified access token (RFC 9068 and the suite's tid, sid, roles, permissions). */
export interface VerifiedToken {
  sub: string;
  iss: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  tid: string;
  sid?: string;
  scope?: string;
  roles?: string[];
  permissions?: string[];
  cnf?: { jkt: string };
  [claim: string]: unknown;
}

/**
 * A change of the signed-in state, as onAuthChange reports it: `signed-in` after login, MFA
 * completion, code exchange or setTokens; `refreshed` after a refresh; `signed-out` after logout
 * (`logout`) or when the suite refused the refresh token (`session-ended`: the session was revoked,
 * expired or ended by reuse detection), both of which clear the storage.
 */
export type AuthChange = { type: 'signed-in' } | { type: 'refreshed' } | { type: 'signed-out'; reason: 'logout' | 'session-ended' };
