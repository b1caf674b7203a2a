import type { RequestHandler } from 'express';
import { CodeExchange, IAMError, iamErrorOf, MemoryTokenStorage, OAuthTokens, SigmaIAM as CoreSigmaIAM, SigmaIAMOptions, SigmaUser, TokenStorage, VerifiedToken } from '@sigma/iam-js';
import { decodeJwt } from 'jose';
import { AsyncLocalStorage } from 'node:async_hooks';
import { AuthenticationError } from './authentication-error';
import { DPOP_ALGORITHMS, InvalidDpopProof, MemoryReplayStore, ReplayStore, verifyDpopProof } from './dpop';
import { loginHandler, requireAuth, RequireAuthOptions, requirePermission, sigmaContext } from './express';
import { LoginTransaction, SessionTransactionStore, TransactionStore } from './login-transactions';
import { RevocationCheck } from './revocation';
import type { RequestLike, SigmaAuth, SigmaNodeUser } from './types';

/** Where the user's profile (full_name, email, ...) comes from: the suite (GET /api/v1/me with the token), or nowhere. */
export type ProfileSource = 'fetch' | 'claims';

export interface SigmaIAMNodeOptions extends SigmaIAMOptions {
  /** Default 'fetch': verifyToken and requireAuth read the profile once per token (cached). */
  profile?: ProfileSource;
  /** How long a fetched profile is reused, at most until the token expires; default 60 000 ms. */
  profileCacheMs?: number;
  /**
   * After local verification: 'introspection' asks the suite about every token (RFC 7662; needs
   * clientSecret), a RevocationCheck (e.g. a DenyList) decides itself; default none (local only).
   */
  revocationCheck?: 'introspection' | RevocationCheck;
  /** The app's own public URL (scheme, host, port): DPoP proofs name it in `htu`. Default: read from the request. */
  publicUrl?: string;
  /** How far a DPoP proof's `iat` may lie from now; default 60 s. */
  dpopMaxAgeSeconds?: number;
  /** Where accepted DPoP proof ids are remembered; default this process's memory. */
  dpopReplayStore?: ReplayStore;
  /** The realm of WWW-Authenticate challenges; default 'sigma-iam'. */
  realm?: string;
  /** Where a login's state and PKCE verifier wait for the callback; default `req.session` (express-session). */
  transactionStore?: TransactionStore;
}

/** Per middleware: the instance's settings, overridden. */
export interface AuthenticateOptions {
  profile?: ProfileSource;
  revocationCheck?: 'introspection' | RevocationCheck | 'none';
}

/** What handleCallback answers: the tokens, the ID token's claims (when one came), and where the login started. */
export interface CallbackResult {
  tokens: OAuthTokens;
  idTokenClaims?: Record<string, unknown>;
  returnTo: string;
}

export interface LoginHandlerOptions {
  scope?: string;
  /** Must be registered for the client; default the instance's redirectUri. */
  redirectUri?: string;
  prompt?: string;
  /** The query parameter naming where to go after login (a path of this app); default 'returnTo'. */
  returnToParam?: string;
}

/** The parts of an Express (or Node) request the login helpers read. */
export interface CallbackRequest {
  url: string;
  originalUrl?: string;
  session?: unknown;
}

const PROFILE_CACHE_MAX = 10_000;
const TOKEN_CHARS = /^[A-Za-z0-9\-._~+/]+=*$/;

/** A storage that keeps nothing: a server instance acts for many users, so it must not remember one. */
const NO_STORAGE: TokenStorage = { get: () => null, set: () => undefined, clear: () => undefined };

function headerOf(headers: RequestLike['headers'], name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A quoted-string value for a challenge parameter (RFC 9110 §5.6.4): no quotes or backslashes. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, "'")}"`;
}

export function permits(granted: readonly string[], required: string): boolean {
  const [resource] = required.split(':');
  return granted.some((permission) => permission === '*' || permission === required || permission === `${resource}:*`);
}

/**
 * `@sigma/iam-node`: seed 000's `SigmaIAM` for servers. Everything of `@sigma/iam-js` (it extends
 * that class), plus what a Node resource server and web app need: `verifyToken` answering a user
 * (claims and profile), `requireAuth` / `requirePermission` Express middleware for Bearer and
 * DPoP-bound tokens, an optional revocation check, and the authorization code + PKCE login with its
 * state kept server-side (`loginHandler`, `handleCallback`).
 */
export class SigmaIAM extends CoreSigmaIAM {
  private readonly nodeOptions: SigmaIAMNodeOptions;
  private readonly suiteUrl: string;
  private readonly profiles = new Map<string, { until: number; profile: Promise<SigmaUser> }>();
  private readonly replayStore: ReplayStore;
  private readonly transactions: TransactionStore;
  private readonly requests = new AsyncLocalStorage<CallbackRequest>();

  constructor(options: SigmaIAMNodeOptions) {
    super({ ...options, storage: options.storage ?? NO_STORAGE });
    this.nodeOptions = options;
    this.suiteUrl = (options.baseURL ?? options.baseUrl ?? '').replace(/\/+$/, '');
    this.replayStore = options.dpopReplayStore ?? new MemoryReplayStore();
    this.transactions = options.transactionStore ?? new SessionTransactionStore();
    if (options.revocationCheck === 'introspection' && options.clientSecret === undefined) {
      throw new TypeError("revocationCheck 'introspection' needs clientId and clientSecret (a confidential client)");
    }
  }

  // ── Verification ──────────────────────────────────────────────────────────────────────────────

  /**
   * Verifies an access token presented as a bearer token and answers its user (seed 000:
   * `req.user.full_name`): the signature locally against the tenant's JWKS (cached, fetched again for
   * an unknown kid), then the revocation check if one is configured, then the profile. A DPoP-bound
   * token is refused here (it is only valid with its proof: use requireAuth or authenticate).
   */
  override async verifyToken(token: string): Promise<SigmaNodeUser> {
    const claims = await super.verifyToken(token);
    if (claims.cnf?.jkt !== undefined) throw new IAMError('INVALID_TOKEN', 'The token is DPoP-bound: it is valid only with a DPoP proof', 401);
    await this.checkRevocation(token, claims, this.nodeOptions.revocationCheck);
    return this.userOf(token, claims, this.nodeOptions.profile ?? 'fetch');
  }

  /** RFC 7662 introspection of a token with the app's client credentials: true while the suite considers it active. */
  async isTokenActive(token: string): Promise<boolean> {
    const clientId = this.nodeOptions.clientId;
    const secret = this.nodeOptions.clientSecret;
    if (clientId === undefined || secret === undefined) throw new TypeError('introspection needs clientId and clientSecret');
    const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
    if (this.nodeOptions.tenantId !== undefined) form.set('tenant_id', this.nodeOptions.tenantId);
    const credential = `${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`;
    const fetchImpl = this.nodeOptions.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
    let response: Response;
    try {
      response = await fetchImpl(`${this.suiteUrl}/oauth/v1/introspect`, {
        method: 'POST',
        headers: { authorization: `Basic ${btoa(credential)}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.nodeOptions.timeoutMs ?? 10_000),
      });
    } catch {
      throw new IAMError('SERVICE_UNAVAILABLE', 'The suite could not be asked about the token', 0);
    }
    const body = (await response.json().catch(() => undefined)) as { active?: unknown } | undefined;
    if (!response.ok) {
      // The app's own client was refused (wrong secret, not allowed to introspect) or the suite failed:
      // the token cannot be checked, which is not the token's fault (never a 401 for the caller).
      const refusal = iamErrorOf(response.status, body, response.headers);
      throw new IAMError('INTROSPECTION_FAILED', `The suite did not answer the introspection request (${refusal.code}, ${response.status})`, 0);
    }
    return body?.active === true;
  }

  /**
   * Authenticates any framework's request (Express uses it through requireAuth; a Next.js middleware
   * or route handler calls it directly): `Authorization: Bearer <token>`, or `Authorization: DPoP
   * <token>` with a `DPoP` proof for a bound token. Throws AuthenticationError with the status and
   * WWW-Authenticate challenge to answer.
   */
  async authenticate(request: RequestLike, options: AuthenticateOptions = {}): Promise<{ user: SigmaNodeUser; auth: SigmaAuth }> {
    const authorization = headerOf(request.headers, 'authorization');
    const match = authorization === undefined ? null : /^(Bearer|DPoP) +(\S+) *$/i.exec(authorization);
    if (!match) throw new AuthenticationError('AUTHENTICATION_REQUIRED', 'This resource needs an access token', 401, this.challenge());
    const scheme: SigmaAuth['scheme'] = match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = match[2];
    if (!TOKEN_CHARS.test(token)) throw new AuthenticationError('INVALID_REQUEST', 'The Authorization header is malformed', 400, this.challenge(scheme, 'invalid_request', 'The Authorization header is malformed'));
    let claims: VerifiedToken;
    try {
      claims = await super.verifyToken(token);
    } catch (error) {
      throw this.refusal(error, scheme);
    }
    const jkt = claims.cnf?.jkt;
    if (jkt !== undefined && scheme === 'Bearer') throw this.invalidToken('A DPoP-bound token must be presented with the DPoP scheme and a proof', scheme);
    if (jkt === undefined && scheme === 'DPoP') throw this.invalidToken('The token is not DPoP-bound; present it with the Bearer scheme', scheme);
    if (jkt !== undefined) {
      try {
        await verifyDpopProof(headerOf(request.headers, 'dpop'), {
          method: request.method,
          url: request.url,
          accessToken: token,
          jkt,
          maxAgeSeconds: this.nodeOptions.dpopMaxAgeSeconds ?? 60,
          replayStore: this.replayStore,
        });
      } catch (error) {
        // The replay store could not answer (a shared store down): the proof cannot be checked, so it is not accepted.
        if (!(error instanceof InvalidDpopProof)) throw new AuthenticationError('SERVICE_UNAVAILABLE', 'The DPoP proof could not be checked', 503);
        throw new AuthenticationError('INVALID_DPOP_PROOF', error.message, 401, this.challenge('DPoP', 'invalid_dpop_proof', error.message));
      }
    }
    try {
      await this.checkRevocation(token, claims, options.revocationCheck ?? this.nodeOptions.revocationCheck);
      const user = await this.userOf(token, claims, options.profile ?? this.nodeOptions.profile ?? 'fetch');
      return { user, auth: { token, scheme, claims, ...(jkt === undefined ? {} : { jkt }) } };
    } catch (error) {
      throw this.refusal(error, scheme);
    }
  }

  /** Throws 403 INSUFFICIENT_PERMISSIONS unless the user holds every permission (`*` and `resource:*` count). */
  assertPermissions(user: Pick<SigmaNodeUser, 'permissions'>, required: readonly string[]): void {
    const missing = required.filter((permission) => !permits(user.permissions, permission));
    if (missing.length > 0) {
      const message = `This resource needs the permission${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
      throw new AuthenticationError('INSUFFICIENT_PERMISSIONS', message, 403, this.challenge('Bearer', 'insufficient_scope', message));
    }
  }

  /** The WWW-Authenticate value: a Bearer and a DPoP challenge, or the one of the scheme used with its error (RFC 6750 §3, RFC 9449 §7.1). */
  challenge(scheme?: SigmaAuth['scheme'], error?: string, description?: string): string {
    const realm = `realm=${quoted(this.nodeOptions.realm ?? 'sigma-iam')}`;
    const algs = `algs=${quoted(DPOP_ALGORITHMS.join(' '))}`;
    if (scheme === undefined || error === undefined) return `Bearer ${realm}, DPoP ${realm}, ${algs}`;
    const detail = `error=${quoted(error)}${description === undefined ? '' : `, error_description=${quoted(description)}`}`;
    return scheme === 'DPoP' ? `DPoP ${realm}, ${detail}, ${algs}` : `Bearer ${realm}, ${detail}`;
  }

  // ── Login: authorization code + PKCE with the state kept server-side ────────────────────────

  /**
   * Starts a login: a fresh state, nonce and PKCE verifier (S256) are kept in the transaction store
   * (the user's server-side session by default), and the answer is the URL to redirect to.
   */
  async startLogin(req: CallbackRequest, options: LoginHandlerOptions = {}): Promise<string> {
    const redirectUri = options.redirectUri ?? this.nodeOptions.redirectUri;
    if (redirectUri === undefined) throw new TypeError('startLogin needs redirectUri (in the options or the constructor)');
    const request = await this.createAuthorizationRequest({ scope: options.scope, redirectUri, prompt: options.prompt });
    const returnTo = this.queryOf(req).get(options.returnToParam ?? 'returnTo');
    const transaction: LoginTransaction = {
      state: request.state,
      nonce: request.nonce,
      codeVerifier: request.codeVerifier,
      redirectUri,
      // Only a path of this app: never an open redirect.
      returnTo: returnTo !== null && /^\/(?![/\\])/.test(returnTo) ? returnTo : '/',
      createdAt: Date.now(),
    };
    await this.transactions.save(req, transaction);
    return request.url;
  }

  /**
   * Finishes a login at the redirect URI: the `state` must name a login this user's session started
   * (single use, at most 10 minutes old), `iss` (RFC 9207) must be the suite's, the code is redeemed
   * with that login's PKCE verifier and redirect URI, and an ID token must carry its nonce.
   */
  async handleCallback(req: CallbackRequest): Promise<CallbackResult> {
    const query = this.queryOf(req);
    const state = query.get('state');
    const transaction = state === null ? undefined : await this.transactions.take(req, state);
    if (transaction === undefined) throw new IAMError('invalid_state', 'The callback does not belong to a login this session started', 400);
    const error = query.get('error');
    if (error !== null) throw new IAMError(error, query.get('error_description') ?? 'The authorization request was refused', 400);
    const issuer = query.get('iss');
    if (issuer !== null && !this.isSuiteIssuer(issuer)) throw new IAMError('invalid_issuer', 'The authorization response comes from another issuer', 400);
    const code = query.get('code');
    if (code === null || code === '') throw new IAMError('invalid_request', 'The callback carries no code', 400);
    const tokens = await super.exchangeCodeForTokens({ code, codeVerifier: transaction.codeVerifier, redirectUri: transaction.redirectUri });
    let idTokenClaims: Record<string, unknown> | undefined;
    if (tokens.idToken !== undefined) {
      // Received straight from the token endpoint over TLS (OIDC Core §3.1.3.7): the nonce, audience and issuer are what bind it to this login.
      idTokenClaims = decodeJwt(tokens.idToken);
      const audience = idTokenClaims['aud'];
      const audiences = Array.isArray(audience) ? audience : [audience];
      if (idTokenClaims['nonce'] !== transaction.nonce || !audiences.includes(this.nodeOptions.clientId) || typeof idTokenClaims['iss'] !== 'string' || !this.isSuiteIssuer(idTokenClaims['iss'])) {
        throw new IAMError('invalid_id_token', 'The ID token does not belong to this login', 400);
      }
    }
    return { tokens, idTokenClaims, returnTo: transaction.returnTo };
  }

  /**
   * Seed 000's `exchangeCodeForTokens(code)` in a callback route: inside `iam.middleware()`, a code
   * alone is redeemed through handleCallback (state checked, the login's PKCE verifier and redirect
   * URI used). Otherwise as @sigma/iam-js: `{code, codeVerifier, redirectUri}` or (code, verifier).
   */
  override async exchangeCodeForTokens(exchange: string | CodeExchange, codeVerifier?: string): Promise<OAuthTokens> {
    const req = this.requests.getStore();
    if (typeof exchange === 'string' && codeVerifier === undefined && req !== undefined) {
      if (this.queryOf(req).get('code') !== exchange) throw new IAMError('invalid_request', 'The code is not the one of this callback request', 400);
      return (await this.handleCallback(req)).tokens;
    }
    return super.exchangeCodeForTokens(exchange, codeVerifier);
  }

  /** Runs the rest of the request with it known to the SDK (for exchangeCodeForTokens(code) in a callback route). */
  runWithRequest<T>(req: CallbackRequest, next: () => T): T {
    return this.requests.run(req, next);
  }

  /** A client of the suite acting as one user: seed 000's calls (getProfile, ...) with that user's tokens, kept in `storage`. */
  forUser(storage: TokenStorage): CoreSigmaIAM {
    return new CoreSigmaIAM({ ...this.nodeOptions, storage });
  }

  /** The app's public URL for DPoP `htu`, when configured. */
  get publicUrl(): string | undefined {
    return this.nodeOptions.publicUrl;
  }

  // ── Express ───────────────────────────────────────────────────────────────────────────────────

  /** Middleware: a valid access token (Bearer, or DPoP with its proof) or 401 with WWW-Authenticate; sets req.user and req.auth. */
  requireAuth(options: RequireAuthOptions = {}): RequestHandler {
    return requireAuth(this, options);
  }

  /** Middleware: requireAuth (unless it ran already) and every listed permission, or 403. */
  requirePermission(...permissions: string[]): RequestHandler {
    return requirePermission(this, ...permissions);
  }

  /** Middleware: lets seed 000's callback route call `exchangeCodeForTokens(code)` with the code alone (install it before the routes). */
  middleware(): RequestHandler {
    return sigmaContext(this);
  }

  /** Route: starts the authorization code + PKCE login and redirects to the suite (`?returnTo=/path` comes back in handleCallback). */
  loginHandler(options: LoginHandlerOptions = {}): RequestHandler {
    return loginHandler(this, options);
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────────

  private async checkRevocation(token: string, claims: VerifiedToken, check: AuthenticateOptions['revocationCheck']): Promise<void> {
    if (check === undefined || check === 'none') return;
    const revoked = check === 'introspection' ? !(await this.isTokenActive(token)) : await check.isRevoked(token, claims);
    if (revoked) throw new IAMError('INVALID_TOKEN', 'The token has been revoked', 401);
  }

  private async userOf(token: string, claims: VerifiedToken, source: ProfileSource): Promise<SigmaNodeUser> {
    const isClient = claims.sid === undefined && claims.sub === claims.client_id;
    // A bound token cannot be sent to the suite without its holder's key; a client has no profile.
    const profile = source === 'fetch' && !isClient && claims.cnf === undefined ? await this.profileOf(token, claims) : undefined;
    return {
      ...claims,
      id: claims.sub,
      tenant_id: claims.tid,
      roles: claims.roles ?? [],
      permissions: claims.permissions ?? [],
      scopes: (claims.scope ?? '').split(' ').filter((scope) => scope !== ''),
      is_client: isClient,
      email: profile?.email ?? null,
      username: profile?.username ?? null,
      first_name: profile?.first_name ?? null,
      last_name: profile?.last_name ?? null,
      full_name: profile?.full_name ?? null,
      email_verified: profile?.email_verified ?? null,
    };
  }

  /** GET /api/v1/me with the token, once per token (concurrent requests share the call), for profileCacheMs at most. */
  private profileOf(token: string, claims: VerifiedToken): Promise<SigmaUser> {
    const now = Date.now();
    const key = `${claims.tid}:${claims.jti}`;
    const cached = this.profiles.get(key);
    if (cached !== undefined && cached.until > now) return cached.profile;
    // A plain bearer call with the presented token (never a DPoP key of the app's: the token is not bound to it).
    const client = new CoreSigmaIAM({ ...this.nodeOptions, storage: new MemoryTokenStorage(), dpop: false });
    const profile = client
      .setTokens({ accessToken: token, source: 'login' })
      .then(() => client.getProfile())
      .catch((error: unknown) => {
        this.profiles.delete(key);
        // The suite refused the token the SDK accepted: revoked (the gateway's deny-list) or the keys changed.
        if (error instanceof IAMError && error.status === 401) throw new IAMError('INVALID_TOKEN', 'The suite refused the token', 401);
        throw error;
      });
    if (this.profiles.size >= PROFILE_CACHE_MAX) {
      for (const [cachedKey, entry] of this.profiles) if (entry.until <= now) this.profiles.delete(cachedKey);
      if (this.profiles.size >= PROFILE_CACHE_MAX) this.profiles.delete(this.profiles.keys().next().value ?? '');
    }
    this.profiles.set(key, { until: Math.min(now + (this.nodeOptions.profileCacheMs ?? 60_000), claims.exp * 1000), profile });
    return profile;
  }

  /** An SDK failure as the answer to send: 401 for a refused token, 503 when the suite could not be asked; anything else as it is. */
  private refusal(error: unknown, scheme: SigmaAuth['scheme']): unknown {
    if (error instanceof AuthenticationError || !(error instanceof IAMError)) return error;
    if (error.status === 401) return this.invalidToken(error.message, scheme);
    return new AuthenticationError('SERVICE_UNAVAILABLE', error.message, 503);
  }

  private invalidToken(message: string, scheme: SigmaAuth['scheme']): AuthenticationError {
    return new AuthenticationError('INVALID_TOKEN', message, 401, this.challenge(scheme, 'invalid_token', message));
  }

  private isSuiteIssuer(issuer: string): boolean {
    const base = `${(this.nodeOptions.issuerBaseURL ?? this.suiteUrl).replace(/\/+$/, '')}/oauth/tenants/`;
    if (!issuer.startsWith(base)) return false;
    const tenant = issuer.slice(base.length);
    return this.nodeOptions.tenantId === undefined ? /^[0-9a-f-]{36}$/i.test(tenant) : tenant.toLowerCase() === this.nodeOptions.tenantId.toLowerCase();
  }

  private queryOf(req: CallbackRequest): URLSearchParams {
    return new URL(req.originalUrl ?? req.url, 'http://request.invalid').searchParams;
  }
}
