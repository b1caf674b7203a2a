import { decodeJwt } from 'jose';
import { defaultAuthorizationStore, PendingAuthorizations, AuthorizationStore } from './authorization-transactions';
import { clientAuthenticated } from './client-auth';
import { DPoPSigner } from './dpop';
import { defaultTransport, FetchLike, HttpRequest, HttpTransport } from './http-transport';
import { IAMError } from './iam-error';
import { generateCodeChallenge, generateCodeVerifier, generateState } from './pkce';
import type { OAuthTokens } from './types';

export interface IdentityClientOptions {
  /** The suite's public URL (its gateway). */
  baseUrl: string;
  clientId: string;
  /** The client's tenant: sent as tenant_id to the authorization endpoint. */
  tenantId?: string;
  /** Confidential clients on a server only (client_secret_basic); public clients have none. */
  clientSecret?: string;
  /**
   * DPoP (RFC 9449), on by default as seed 001 has it: a non-extractable ES256 key made on first
   * use (or this signer), a proof on every token request, tokens bound to the key.
   */
  dpop?: boolean | DPoPSigner;
  /** Where pending authorizations (state → PKCE verifier) wait; sessionStorage in browsers, else memory. */
  authorizationStore?: AuthorizationStore;
  /** Per attempt; default 10 000 ms. */
  timeoutMs?: number;
  fetch?: FetchLike;
}

export interface IdentityAuthorizationParams {
  redirectUri: string;
  scope?: string;
  /** Default: a fresh random state. */
  state?: string;
  nonce?: string;
  prompt?: string;
  loginHint?: string;
}

export interface IdentityCodeExchange {
  code: string;
  /** Default: the verifier remembered for `state` by getAuthorizationUrl. */
  codeVerifier?: string;
  redirectUri: string;
  state?: string;
}

/** OpenID Connect user info (seed 001's /oauth/userinfo): the claims the token's scope allows. */
export interface UserInfo {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  preferred_username?: string;
  [claim: string]: unknown;
}

interface TokenAnswer {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

function tokensOf(answer: TokenAnswer): OAuthTokens {
  return { accessToken: answer.access_token, refreshToken: answer.refresh_token, idToken: answer.id_token, tokenType: answer.token_type, expiresIn: answer.expires_in, scope: answer.scope };
}

/** Whether a token names a DPoP key (`cnf.jkt`): such a token is sent with the DPoP scheme. */
function isDPoPBound(accessToken: string): boolean {
  try {
    const cnf = decodeJwt(accessToken)['cnf'];
    return typeof cnf === 'object' && cnf !== null && typeof (cnf as { jkt?: unknown }).jkt === 'string';
  } catch {
    return false;
  }
}

/**
 * Seed 001's client: the authorization code flow with PKCE against the `/oauth` endpoints, with
 * DPoP-bound tokens by default. It keeps no tokens: the caller holds what exchangeCodeForTokens
 * answers.
 */
export class IdentityClient {
  private readonly http: HttpTransport;
  private readonly pending: PendingAuthorizations;
  private readonly signer: Promise<DPoPSigner> | undefined;

  constructor(private readonly options: IdentityClientOptions) {
    if (!options.baseUrl || !/^https?:\/\//i.test(options.baseUrl)) throw new TypeError('IdentityClient needs baseUrl, the http(s) URL of the suite');
    if (!options.clientId) throw new TypeError('IdentityClient needs clientId');
    this.http = defaultTransport({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs, fetch: options.fetch });
    this.pending = new PendingAuthorizations(options.authorizationStore ?? defaultAuthorizationStore());
    const dpop = options.dpop ?? true;
    this.signer = dpop instanceof DPoPSigner ? Promise.resolve(dpop) : dpop ? DPoPSigner.generate() : undefined;
    this.signer?.catch(() => undefined);
  }

  /**
   * The authorization endpoint URL (/oauth/authorize) with a fresh PKCE verifier (S256) remembered
   * under the state, which exchangeCodeForTokens uses when no codeVerifier is given.
   */
  async getAuthorizationUrl(params: IdentityAuthorizationParams): Promise<string> {
    const codeVerifier = generateCodeVerifier();
    const state = params.state ?? generateState();
    const url = this.http.urlOf('/oauth/authorize', {
      response_type: 'code',
      client_id: this.options.clientId,
      redirect_uri: params.redirectUri,
      scope: params.scope,
      state,
      nonce: params.nonce,
      prompt: params.prompt,
      login_hint: params.loginHint,
      code_challenge: await generateCodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      tenant_id: this.options.tenantId,
    });
    this.pending.save({ state, codeVerifier, redirectUri: params.redirectUri, nonce: params.nonce });
    return url;
  }

  /** The verifier getAuthorizationUrl remembered for `state` (used up by this call), or null. */
  takeCodeVerifier(state: string): string | null {
    return this.pending.take(state)?.codeVerifier ?? null;
  }

  /** Redeems the code at /oauth/token, with a DPoP proof unless DPoP is off. */
  async exchangeCodeForTokens(exchange: IdentityCodeExchange): Promise<OAuthTokens> {
    const codeVerifier = exchange.codeVerifier ?? (exchange.state === undefined ? null : this.takeCodeVerifier(exchange.state));
    if (codeVerifier === null) throw new TypeError('exchangeCodeForTokens needs codeVerifier, or the state getAuthorizationUrl remembered it under');
    return tokensOf(await this.tokenRequest({ grant_type: 'authorization_code', code: exchange.code, code_verifier: codeVerifier, redirect_uri: exchange.redirectUri }));
  }

  /** Rotates a refresh token at /oauth/token (a DPoP-bound public client's refresh token needs the same key). */
  async refreshTokens(refreshToken: string): Promise<OAuthTokens> {
    return tokensOf(await this.tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }));
  }

  /** Revokes a token at /oauth/revoke (RFC 7009). */
  async revokeToken(token: string, tokenTypeHint?: 'access_token' | 'refresh_token'): Promise<void> {
    await this.http.send({ method: 'POST', path: '/oauth/revoke', ...this.clientAuthenticated({ token, token_type_hint: tokenTypeHint }) });
  }

  /** OpenID Connect user info (/oauth/userinfo): a DPoP-bound token with the DPoP scheme and a proof of this request. */
  async getUserInfo(accessToken: string): Promise<UserInfo> {
    const request: HttpRequest = { method: 'GET', path: '/oauth/userinfo' };
    if (!isDPoPBound(accessToken)) return this.http.send<UserInfo>({ ...request, headers: { authorization: `Bearer ${accessToken}` } });
    const signer = await this.signer;
    if (signer === undefined) throw new IAMError('DPOP_KEY_REQUIRED', 'The access token is DPoP-bound: this client has no DPoP key', 0);
    return this.http.send<UserInfo>({ ...request, dpop: { signer, accessToken } });
  }

  /** The JWK thumbprint of this client's DPoP key (the `cnf.jkt` of its tokens), or null without DPoP. */
  async getDPoPThumbprint(): Promise<string | null> {
    const signer = await this.signer;
    return signer === undefined ? null : signer.thumbprint();
  }

  private async tokenRequest(form: Record<string, string | undefined>): Promise<TokenAnswer> {
    const signer = await this.signer;
    return this.http.send<TokenAnswer>({ method: 'POST', path: '/oauth/token', ...this.clientAuthenticated(form), ...(signer === undefined ? {} : { dpop: { signer } }) });
  }

  private clientAuthenticated(form: Record<string, string | undefined>): Pick<HttpRequest, 'form' | 'headers'> {
    return clientAuthenticated(this.options.clientId, this.options.clientSecret, form);
  }
}
