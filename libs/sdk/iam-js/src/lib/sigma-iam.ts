import { decodeJwt } from 'jose';
import { defaultAuthorizationStore, PendingAuthorization, PendingAuthorizations, AuthorizationStore } from './authorization-transactions';
import { clientAuthenticated } from './client-auth';
import { DPoPSigner } from './dpop';
import { defaultTransport, FetchLike, HttpRequest, HttpTransport } from './http-transport';
import { IAMError } from './iam-error';
import { codeChallengeOf, generateCodeChallenge, generateCodeVerifier, generateState } from './pkce';
import { MemoryTokenStorage, StoredTokens, TokenSource, TokenStorage } from './token-storage';
import { TokenVerifier } from './token-verifier';
import type {
  Application,
  ApplicationCreateRequest,
  AuthorizationRequest,
  AuthChange,
  AuthorizationUrlParams,
  CodeExchange,
  LoginResult,
  OAuthTokens,
  ProfileChanges,
  RoleAssignment,
  SigmaUser,
  UserRoles,
  VerifiedToken,
} from './types';

export interface SigmaIAMOptions {
  /** The suite's public URL (its gateway), as seed 000 names it. */
  baseURL?: string;
  /** Same as baseURL. */
  baseUrl?: string;
  /** The OAuth client (authorization URL, code exchange, OAuth refresh). The direct login API always serves the first-party client. */
  clientId?: string;
  /** Only for confidential clients on a server; never ship it to a browser. */
  clientSecret?: string;
  redirectUri?: string;
  /** The tenant to sign in to (default: the suite's default tenant); verifyToken then refuses other tenants' tokens. */
  tenantId?: string;
  /** Where tokens live; memory by default. */
  storage?: TokenStorage;
  /** Per attempt; default 10 000 ms. */
  timeoutMs?: number;
  /** Retries of idempotent calls (GET, PUT, DELETE) after network errors, timeouts, 429, 502, 503, 504; default 2. */
  retries?: number;
  /** First backoff, doubled per retry with full jitter; default 250 ms. */
  retryDelayMs?: number;
  /** Longest wait between retries; default 5 000 ms. */
  maxRetryDelayMs?: number;
  /** Refresh this long before the access token expires; default 30 000 ms. */
  refreshSkewMs?: number;
  /** How long verifyToken uses a tenant's key set before fetching it again; default 10 minutes. */
  jwksCacheMaxAgeMs?: number;
  /** The issuer's base when the suite's PUBLIC_URL differs from baseURL. */
  issuerBaseURL?: string;
  /** The audience verifyToken expects; default the suite's API audience. */
  audience?: string;
  /** Another fetch (tests, proxies); default globalThis.fetch. */
  fetch?: FetchLike;
  /**
   * Bind OAuth tokens (code exchange, OAuth refresh) to a DPoP key (RFC 9449) and prove it on every
   * call: `true` for a fresh non-extractable key, or a signer of your own. Default off.
   */
  dpop?: boolean | DPoPSigner;
  /** Where pending authorizations (state, PKCE verifier) wait for the redirect back; sessionStorage in browsers, else memory. */
  authorizationStore?: AuthorizationStore;
}

/** Options of loginWithProvider / loginWithGoogle. */
export interface SocialLoginOptions {
  /** Where the suite sends the browser back; default the client's redirectUri. */
  redirectUri?: string;
}

/** The part of a browser's `location` social login uses. */
interface BrowserLocation {
  href: string;
  assign(url: string): void;
}

/** The page's location in a browser; undefined in Node and workers without one. */
function browserLocation(): BrowserLocation | undefined {
  const { location } = globalThis as { location?: Partial<BrowserLocation> };
  return location !== undefined && typeof location.href === 'string' && typeof location.assign === 'function' ? (location as BrowserLocation) : undefined;
}

const PROVIDER = /^[a-z0-9][a-z0-9-]{0,63}$/i;

interface TokenEndpointAnswer {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

interface LoginAnswer extends Partial<TokenEndpointAnswer> {
  mfa_required?: boolean;
  mfa_session_id?: string;
  user?: SigmaUser;
}

const API_AUDIENCE = 'urn:sigma-iam:api';
const FIRST_PARTY_CLIENT = 'sigma-iam';

/**
 * The Sigma IAM client of seed 000 for Node 20 and browsers: direct login, profile and admin calls,
 * the authorization code flow with PKCE, local token verification, and the token lifecycle around
 * them (storage, refresh before expiry and on 401, one refresh at a time, logout).
 */
export class SigmaIAM {
  private readonly http: HttpTransport;
  private readonly storage: TokenStorage;
  private readonly verifier: TokenVerifier;
  private readonly baseUrl: string;
  private readonly refreshSkewMs: number;
  private refreshing: Promise<StoredTokens> | null = null;
  private readonly authListeners = new Set<(change: AuthChange) => void>();
  private readonly pending: PendingAuthorizations;
  private readonly signer: Promise<DPoPSigner> | undefined;

  constructor(private readonly options: SigmaIAMOptions) {
    const baseUrl = options.baseURL ?? options.baseUrl;
    if (!baseUrl || !/^https?:\/\//i.test(baseUrl)) throw new TypeError('SigmaIAM needs baseURL, the http(s) URL of the suite');
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.http = defaultTransport({ baseUrl: this.baseUrl, timeoutMs, retries: options.retries, retryDelayMs: options.retryDelayMs, maxRetryDelayMs: options.maxRetryDelayMs, fetch: fetchImpl });
    this.storage = options.storage ?? new MemoryTokenStorage();
    this.refreshSkewMs = options.refreshSkewMs ?? 30_000;
    this.verifier = new TokenVerifier({
      issuerBaseUrl: options.issuerBaseURL ?? this.baseUrl,
      baseUrl: this.baseUrl,
      tenantId: options.tenantId,
      audience: options.audience ?? API_AUDIENCE,
      jwksCacheMaxAgeMs: options.jwksCacheMaxAgeMs ?? 600_000,
      timeoutMs,
      fetch: fetchImpl,
    });
    this.pending = new PendingAuthorizations(options.authorizationStore ?? defaultAuthorizationStore());
    this.signer = options.dpop instanceof DPoPSigner ? Promise.resolve(options.dpop) : options.dpop === true ? DPoPSigner.generate() : undefined;
    // A key generation that failed is reported by the call that needs the key, not as an unhandled rejection.
    this.signer?.catch(() => undefined);
  }

  // ── Authentication ────────────────────────────────────────────────────────────────────────────

  /**
   * Signs a user in with the direct login API (POST /api/v1/auth/login) and keeps the tokens. A user
   * with a second factor gets IAMError MFA_REQUIRED carrying mfaSessionId: finish with completeMfaLogin.
   */
  async login(email: string, password: string): Promise<LoginResult> {
    const answer = await this.http.send<LoginAnswer>({
      method: 'POST',
      path: '/api/v1/auth/login',
      json: { username: email, password, ...(this.options.tenantId ? { tenant_id: this.options.tenantId } : {}) },
    });
    return this.loggedIn(answer);
  }

  /** Finishes a login that answered MFA_REQUIRED, with a TOTP code or a recovery code. */
  async completeMfaLogin(mfaSessionId: string, factor: { totpCode: string } | { recoveryCode: string }): Promise<LoginResult> {
    const answer = await this.http.send<LoginAnswer>({
      method: 'POST',
      path: '/api/v1/auth/mfa/verify',
      json: { mfa_session_id: mfaSessionId, ...('totpCode' in factor ? { totp_code: factor.totpCode } : { recovery_code: factor.recoveryCode }) },
    });
    return this.loggedIn(answer);
  }

  /**
   * Ends the session: the refresh token is revoked at the suite (login tokens at
   * /api/v1/auth/logout, OAuth tokens at the revocation endpoint) and the stored tokens are
   * cleared, even when the suite cannot be reached. Access tokens already issued stay valid until
   * they expire.
   */
  async logout(): Promise<void> {
    const tokens = await this.storage.get();
    try {
      if (tokens?.refreshToken === undefined) return;
      if (tokens.source === 'login') {
        await this.http.send({ method: 'POST', path: '/api/v1/auth/logout', json: { refresh_token: tokens.refreshToken } });
      } else {
        await this.http.send({ method: 'POST', path: '/oauth/v1/revoke', ...this.clientAuthenticated({ token: tokens.refreshToken, token_type_hint: 'refresh_token' }) });
      }
    } finally {
      await this.storage.clear();
      if (tokens) this.emit({ type: 'signed-out', reason: 'logout' });
    }
  }

  /** The stored access token, refreshed first when it expires within refreshSkewMs; null when signed out. */
  async getAccessToken(): Promise<string | null> {
    const tokens = await this.storage.get();
    if (!tokens) return null;
    return (await this.fresh(tokens)).accessToken;
  }

  /**
   * Refreshes the tokens now, even when the access token is still fresh (the suite reads the user's
   * roles and permissions again at a refresh, so a role change reaches the token). Shares a refresh
   * already running. Resolves to the new access token; null when signed out.
   */
  async refreshTokens(): Promise<string | null> {
    const tokens = await this.storage.get();
    if (!tokens) return null;
    if (tokens.refreshToken === undefined) throw new IAMError('AUTHENTICATION_REQUIRED', 'The stored tokens have no refresh token', 0);
    return (await this.refreshAfterRejection(tokens.accessToken)).accessToken;
  }

  /** Keeps tokens obtained elsewhere (e.g. by a server that ran the code exchange). */
  async setTokens(tokens: StoredTokens): Promise<void> {
    await this.storage.set(tokens);
    this.emit({ type: 'signed-in' });
  }

  /**
   * Calls `listener` whenever the signed-in state changes (AuthChange): a UI learns here that a
   * refresh was refused (the session was revoked or expired) during any call. Returns the
   * unsubscribe function. A listener that throws does not disturb the SDK call; its error goes to
   * console.error.
   */
  onAuthChange(listener: (change: AuthChange) => void): () => void {
    this.authListeners.add(listener);
    return () => {
      this.authListeners.delete(listener);
    };
  }

  // ── Profile, roles, applications ─────────────────────────────────────────────────────────────

  getProfile(): Promise<SigmaUser> {
    return this.request<SigmaUser>({ method: 'GET', path: '/api/v1/me' });
  }

  updateProfile(changes: ProfileChanges): Promise<SigmaUser> {
    return this.request<SigmaUser>({ method: 'PATCH', path: '/api/v1/me', json: changes });
  }

  getUserRoles(): Promise<UserRoles> {
    return this.request<UserRoles>({ method: 'GET', path: '/api/v1/me/roles' });
  }

  /** Assigns a role by name or slug (users:write and roles:write). Roles already held stay. */
  assignRole(userId: string, role: string): Promise<RoleAssignment> {
    return this.request<RoleAssignment>({ method: 'POST', path: `/api/v1/users/${encodeURIComponent(userId)}/roles`, json: { role } });
  }

  /** Registers an OAuth client (applications:write); client_secret is in this answer only. */
  createApplication(application: ApplicationCreateRequest): Promise<Application> {
    return this.request<Application>({ method: 'POST', path: '/api/v1/applications', json: application });
  }

  /** Any authenticated call of the suite's APIs, with the SDK's refresh, retries and errors. */
  request<T>(request: HttpRequest): Promise<T> {
    return this.authenticated<T>(request);
  }

  // ── OAuth 2.1 authorization code flow ─────────────────────────────────────────────────────────

  /**
   * The authorization endpoint URL (/oauth/v1/authorize) for response_type=code, or with `provider`
   * the suite's social login (/api/v1/auth/social/{provider}) for that upstream provider. Without a
   * codeChallenge, a provider URL gets a fresh PKCE verifier (S256) and state, remembered for
   * handleRedirectCallback.
   */
  getAuthorizationUrl(params: AuthorizationUrlParams = {}): string {
    if (params.provider !== undefined) return this.socialLoginUrl(params.provider, params);
    const clientId = this.required(this.options.clientId, 'clientId');
    const redirectUri = this.required(params.redirectUri ?? this.options.redirectUri, 'redirectUri');
    if ((params.codeChallengeMethod !== undefined || params.codeChallenge !== undefined) && params.codeChallenge === undefined) {
      throw new TypeError('codeChallengeMethod needs codeChallenge');
    }
    return this.http.urlOf('/oauth/v1/authorize', {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: params.scope,
      state: params.state,
      nonce: params.nonce,
      code_challenge: params.codeChallenge,
      code_challenge_method: params.codeChallenge !== undefined ? (params.codeChallengeMethod ?? 'S256') : undefined,
      prompt: params.prompt,
      login_hint: params.loginHint,
      tenant_id: this.options.tenantId,
    });
  }

  /** A complete authorization request with fresh PKCE (S256), state and nonce; keep all but the URL for the callback. */
  async createAuthorizationRequest(params: Omit<AuthorizationUrlParams, 'codeChallenge' | 'codeChallengeMethod' | 'state' | 'nonce'> = {}): Promise<AuthorizationRequest> {
    const codeVerifier = generateCodeVerifier();
    const state = generateState();
    const nonce = generateState();
    const redirectUri = this.required(params.redirectUri ?? this.options.redirectUri, 'redirectUri');
    const url = this.getAuthorizationUrl({ ...params, redirectUri, state, nonce, codeChallenge: await generateCodeChallenge(codeVerifier), codeChallengeMethod: 'S256' });
    this.pending.save({ state, nonce, codeVerifier, redirectUri, provider: params.provider?.toLowerCase() });
    return { url, state, nonce, codeVerifier };
  }

  /**
   * Social login (seed 000: `const { user } = await iam.loginWithGoogle()`). In a browser: at the
   * redirect URI of a sign-in this client started, it completes it (handleRedirectCallback) and
   * resolves the user and tokens; anywhere else it sends the page to the suite's social login for
   * the provider (PKCE and state kept in the authorization store) and the promise stays pending while
   * the page unloads: call it (or handleRedirectCallback) again on the page the browser returns to.
   * Without a browser (Node), it throws IAMError BROWSER_REQUIRED: there, send the user's browser to
   * getAuthorizationUrl({ provider }) and finish with handleRedirectCallback(callbackUrl).
   */
  async loginWithProvider(provider: string, options: SocialLoginOptions = {}): Promise<LoginResult> {
    const location = browserLocation();
    if (location === undefined) {
      throw new IAMError('BROWSER_REQUIRED', 'loginWithProvider redirects a browser; on a server, send the browser to getAuthorizationUrl({ provider }) and finish with handleRedirectCallback(callbackUrl)', 0);
    }
    const returning = this.pendingOf(location.href);
    if (returning?.provider === provider.toLowerCase()) return this.handleRedirectCallback(location.href);
    location.assign(this.getAuthorizationUrl({ provider, redirectUri: options.redirectUri }));
    return new Promise<LoginResult>(() => undefined);
  }

  /** loginWithProvider('google'). */
  loginWithGoogle(options: SocialLoginOptions = {}): Promise<LoginResult> {
    return this.loginWithProvider('google', options);
  }

  /**
   * Completes a sign-in this client started (getAuthorizationUrl({ provider }),
   * createAuthorizationRequest, loginWithProvider) at its redirect URI: the state must name a
   * pending authorization (single use, 10 minutes), `iss` (RFC 9207) must be this suite's, then the
   * code is redeemed with the remembered PKCE verifier (POST /api/v1/auth/social/token for social
   * logins, the token endpoint otherwise) and the tokens are kept. `url` defaults to the page's.
   * An error the redirect carried (access_denied, ...) is thrown as IAMError with that code.
   */
  async handleRedirectCallback(url?: string): Promise<LoginResult> {
    const href = this.required(url ?? browserLocation()?.href, 'url');
    const params = new URL(href).searchParams;
    const state = params.get('state');
    const pending = state === null ? null : this.pending.take(state);
    if (pending === null) throw new IAMError('INVALID_STATE', 'The callback names no sign-in this client started (unknown, used or expired state)', 0);
    const error = params.get('error');
    if (error !== null) throw new IAMError(error, params.get('error_description') ?? error, 0);
    const issuer = params.get('iss');
    if (issuer !== null && !this.isOwnIssuer(issuer)) throw new IAMError('INVALID_ISSUER', 'The callback comes from another issuer', 0);
    const code = params.get('code');
    if (code === null || code === '') throw new IAMError('INVALID_RESPONSE', 'The callback carries no code', 0);
    if (pending.provider !== undefined) return this.redeemSocialCode(code, pending);
    const answer = await this.redeemCode({ code, codeVerifier: pending.codeVerifier, redirectUri: pending.redirectUri });
    // OIDC Core §3.1.3.7: the ID token (received directly from the token endpoint over TLS) must carry the request's nonce.
    if (pending.nonce !== undefined && answer.id_token !== undefined && this.nonceOf(answer.id_token) !== pending.nonce) {
      throw new IAMError('INVALID_NONCE', "The ID token does not carry this sign-in's nonce", 0);
    }
    await this.keep(answer, 'oauth');
    const tokens = { accessToken: answer.access_token, refreshToken: answer.refresh_token, idToken: answer.id_token, tokenType: answer.token_type, expiresIn: answer.expires_in, scope: answer.scope };
    const user = await this.getProfile();
    return { user, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? '', idToken: tokens.idToken, tokenType: tokens.tokenType, expiresIn: tokens.expiresIn, scope: tokens.scope ?? '' };
  }

  /** Redeems an authorization code at /oauth/v1/token and keeps the tokens. */
  async exchangeCodeForTokens(exchange: string | CodeExchange, codeVerifier?: string): Promise<OAuthTokens> {
    const answer = await this.redeemCode(typeof exchange === 'string' ? { code: exchange, codeVerifier } : exchange);
    await this.keep(answer, 'oauth');
    return { accessToken: answer.access_token, refreshToken: answer.refresh_token, idToken: answer.id_token, tokenType: answer.token_type, expiresIn: answer.expires_in, scope: answer.scope };
  }

  private async redeemCode({ code, codeVerifier: verifier, redirectUri }: CodeExchange): Promise<TokenEndpointAnswer> {
    return this.http.send<TokenEndpointAnswer>({
      method: 'POST',
      path: '/oauth/v1/token',
      dpop: await this.dpopOf(),
      ...this.clientAuthenticated({
        grant_type: 'authorization_code',
        code,
        redirect_uri: this.required(redirectUri ?? this.options.redirectUri, 'redirectUri'),
        code_verifier: verifier,
      }),
    });
  }

  /** Verifies an access token locally against its tenant's JWKS (cached); throws IAMError INVALID_TOKEN. */
  verifyToken(token: string): Promise<VerifiedToken> {
    return this.verifier.verify(token);
  }

  // ── Token lifecycle ───────────────────────────────────────────────────────────────────────────

  private socialLoginUrl(provider: string, params: AuthorizationUrlParams): string {
    if (!PROVIDER.test(provider)) throw new TypeError('provider is a provider name such as google, github or microsoft');
    const clientId = this.required(this.options.clientId, 'clientId');
    const redirectUri = this.required(params.redirectUri ?? this.options.redirectUri, 'redirectUri');
    let { state, codeChallenge } = params;
    if (codeChallenge === undefined) {
      if (params.codeChallengeMethod !== undefined) throw new TypeError('codeChallengeMethod needs codeChallenge');
      const codeVerifier = generateCodeVerifier();
      state ??= generateState();
      codeChallenge = codeChallengeOf(codeVerifier);
      this.pending.save({ state, codeVerifier, redirectUri, provider: provider.toLowerCase() });
    }
    return this.http.urlOf(`/api/v1/auth/social/${encodeURIComponent(provider.toLowerCase())}`, {
      client_id: clientId,
      redirect_uri: redirectUri,
      state,
      code_challenge: codeChallenge,
      code_challenge_method: params.codeChallengeMethod ?? 'S256',
      tenant_id: this.options.tenantId,
    });
  }

  private nonceOf(idToken: string): unknown {
    try {
      return decodeJwt(idToken)['nonce'];
    } catch {
      return undefined;
    }
  }

  /** The pending authorization a callback URL names, without using it up. */
  private pendingOf(href: string): PendingAuthorization | null {
    const state = new URL(href).searchParams.get('state');
    return state === null ? null : this.pending.peek(state);
  }

  /** RFC 9207: the suite's issuers are `<public URL>/oauth/tenants/<tenant id>`. */
  private isOwnIssuer(issuer: string): boolean {
    const base = `${(this.options.issuerBaseURL ?? this.baseUrl).replace(/\/+$/, '')}/oauth/tenants/`;
    if (!issuer.startsWith(base)) return false;
    const tenantId = issuer.slice(base.length);
    return this.options.tenantId === undefined ? /^[0-9a-f-]{36}$/i.test(tenantId) : tenantId.toLowerCase() === this.options.tenantId.toLowerCase();
  }

  /** The one-time code of seed 000's social login, for the login answer; the tokens are the application's (refreshed at the token endpoint). */
  private async redeemSocialCode(code: string, pending: PendingAuthorization): Promise<LoginResult> {
    const answer = await this.http.send<LoginAnswer>({
      method: 'POST',
      path: '/api/v1/auth/social/token',
      ...this.clientAuthenticated({ grant_type: 'authorization_code', code, redirect_uri: pending.redirectUri, code_verifier: pending.codeVerifier }),
    });
    return this.loggedIn(answer, 'oauth');
  }

  private async dpopOf(accessToken?: string): Promise<HttpRequest['dpop']> {
    const signer = await this.signer;
    return signer === undefined ? undefined : { signer, accessToken };
  }

  private async loggedIn(answer: LoginAnswer, source: TokenSource = 'login'): Promise<LoginResult> {
    if (answer.mfa_required === true) {
      const error = new IAMError('MFA_REQUIRED', 'The user must confirm a second factor', 200);
      error.mfaSessionId = answer.mfa_session_id;
      throw error;
    }
    if (typeof answer.access_token !== 'string' || typeof answer.refresh_token !== 'string' || answer.user === undefined) {
      throw new IAMError('INVALID_RESPONSE', 'The login answer carries no tokens', 200);
    }
    const tokens: TokenEndpointAnswer = { access_token: answer.access_token, refresh_token: answer.refresh_token, id_token: answer.id_token, token_type: answer.token_type ?? 'Bearer', expires_in: answer.expires_in ?? 0, scope: answer.scope };
    await this.keep(tokens, source);
    return { user: answer.user, accessToken: answer.access_token, refreshToken: answer.refresh_token, idToken: answer.id_token, tokenType: tokens.token_type, expiresIn: tokens.expires_in, scope: answer.scope ?? '' };
  }

  private async keep(answer: TokenEndpointAnswer, source: TokenSource, previous?: StoredTokens): Promise<StoredTokens> {
    const tokens: StoredTokens = {
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token ?? previous?.refreshToken,
      idToken: answer.id_token ?? previous?.idToken,
      expiresAt: answer.expires_in > 0 ? Date.now() + answer.expires_in * 1000 : undefined,
      source,
      tokenType: answer.token_type,
    };
    await this.storage.set(tokens);
    this.emit({ type: previous ? 'refreshed' : 'signed-in' });
    return tokens;
  }

  private emit(change: AuthChange): void {
    for (const listener of [...this.authListeners]) {
      try {
        listener(change);
      } catch (error) {
        console.error('SigmaIAM: an onAuthChange listener threw', error);
      }
    }
  }

  private async authenticated<T>(request: HttpRequest): Promise<T> {
    const stored = await this.storage.get();
    if (!stored) throw new IAMError('AUTHENTICATION_REQUIRED', 'Not signed in', 0);
    const tokens = await this.fresh(stored);
    try {
      return await this.http.send<T>(await this.withToken(request, tokens));
    } catch (error) {
      if (!(error instanceof IAMError) || error.status !== 401 || tokens.refreshToken === undefined) throw error;
      // The suite refused the token (expired early, revoked, keys rotated): refresh once and try again.
      const renewed = await this.refreshAfterRejection(tokens.accessToken);
      return this.http.send<T>(await this.withToken(request, renewed));
    }
  }

  /** Bearer, or for a DPoP-bound token the DPoP scheme with a proof of this request. */
  private async withToken(request: HttpRequest, tokens: StoredTokens): Promise<HttpRequest> {
    if (tokens.tokenType?.toLowerCase() === 'dpop') {
      const dpop = await this.dpopOf(tokens.accessToken);
      if (dpop === undefined) throw new IAMError('DPOP_KEY_REQUIRED', 'The access token is DPoP-bound: create the client with the dpop option that obtained it', 0);
      return { ...request, dpop };
    }
    return { ...request, headers: { ...request.headers, authorization: `Bearer ${tokens.accessToken}` } };
  }

  /** The tokens, refreshed first when the access token is (nearly) expired. */
  private async fresh(tokens: StoredTokens): Promise<StoredTokens> {
    if (tokens.refreshToken === undefined || this.expiresAtOf(tokens) - this.refreshSkewMs > Date.now()) return tokens;
    return this.refreshAfterRejection(tokens.accessToken);
  }

  private expiresAtOf(tokens: StoredTokens): number {
    if (tokens.expiresAt !== undefined) return tokens.expiresAt;
    try {
      const exp = decodeJwt(tokens.accessToken).exp;
      return typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY;
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  }

  /**
   * Single flight: however many calls find `rejected` refused at once, one refresh runs and all of
   * them wait for it (a second refresh would present a spent refresh token, which the suite answers
   * by revoking the whole session). A call that arrives after another already replaced the token
   * just uses the new one.
   */
  private async refreshAfterRejection(rejected: string): Promise<StoredTokens> {
    if (this.refreshing) return this.refreshing;
    const current = await this.storage.get();
    if (this.refreshing) return this.refreshing;
    if (current && current.accessToken !== rejected && this.expiresAtOf(current) - this.refreshSkewMs > Date.now()) return current;
    if (!current?.refreshToken) throw new IAMError('AUTHENTICATION_REQUIRED', 'Not signed in', 401);
    this.refreshing = this.refresh(current).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refresh(tokens: StoredTokens): Promise<StoredTokens> {
    const refreshToken = this.required(tokens.refreshToken, 'refreshToken');
    let answer: TokenEndpointAnswer;
    try {
      answer =
        tokens.source === 'login'
          ? await this.http.send<TokenEndpointAnswer>({ method: 'POST', path: '/api/v1/auth/refresh', json: { refresh_token: refreshToken } })
          : await this.http.send<TokenEndpointAnswer>({
              method: 'POST',
              path: '/oauth/v1/token',
              dpop: await this.dpopOf(),
              ...this.clientAuthenticated({ grant_type: 'refresh_token', refresh_token: refreshToken }),
            });
    } catch (error) {
      // A refused refresh token will not work again: sign out locally. Network trouble keeps the tokens.
      if (error instanceof IAMError && error.status >= 400 && error.status < 500 && error.status !== 429) {
        await this.storage.clear();
        this.emit({ type: 'signed-out', reason: 'session-ended' });
      }
      throw error;
    }
    return this.keep(answer, tokens.source, tokens);
  }

  /** Form parameters and headers for the OAuth client: Basic with a secret, client_id in the form without. */
  private clientAuthenticated(form: Record<string, string | undefined>): Pick<HttpRequest, 'form' | 'headers'> {
    return clientAuthenticated(this.options.clientId ?? FIRST_PARTY_CLIENT, this.options.clientSecret, form);
  }

  private required(value: string | undefined, name: string): string {
    if (value === undefined || value === '') throw new TypeError(`SigmaIAM needs ${name} for this call`);
    return value;
  }
}
