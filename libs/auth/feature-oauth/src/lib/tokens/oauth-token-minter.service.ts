import { Inject, Injectable } from '@nestjs/common';
import { accessTokenClaimsOf, ID_TOKEN_TYPE, idTokenClaimsOf, TokenGrant } from '@sigma/auth/domain';
import type { ClientRecord } from '@sigma/auth/feature-clients';
import {
  AUTH_TOKENS_OPTIONS,
  AuthTokensOptions,
  CLOCK,
  Clock,
  KeyedTenant,
  LoginSessionService,
  longestJwtLifetimeOf,
  SigningKeyService,
  tokenSubjectOf,
  TokenSignerService,
} from '@sigma/auth/feature-tokens';
import type { IdentityClaims, TenantResponse } from '@sigma/shared/contracts-internal';
import { ACCESS_TOKEN_TYPE, AccessTokenClaims, API_AUDIENCE, issuerOf } from '@sigma/shared/util-auth';
import { createHash, randomUUID } from 'node:crypto';
import type { OAuthTokenResponse } from '../grants/token-grant';

/** Tokens for a client acting on its own behalf (client_credentials). */
export interface ClientTokenRequest {
  tenant: TenantResponse;
  client: ClientRecord;
  /** The granted scope values (already checked against the client's). */
  scopes: string[];
  /** Binds the access token to this DPoP key (cnf.jkt, token_type DPoP). */
  jkt?: string;
}

/** Tokens for a user's session (authorization_code, device_code, refresh_token). */
export interface UserTokenRequest {
  tenant: TenantResponse;
  client: ClientRecord;
  /** The user's current claims from the directory. */
  claims: IdentityClaims;
  /** Session, scope, auth_time and amr the tokens carry. */
  grant: TokenGrant;
  jkt?: string;
  /** The authorization request's nonce, echoed in the ID token. */
  nonce?: string;
  /** The refresh token to hand out with these tokens, if any. */
  refreshToken?: string;
  /** ID token only when the scope includes `openid` (default true then). */
  idToken?: boolean;
}

/** Starting a user's session and handing out its first tokens. */
export interface NewSessionRequest {
  tenant: TenantResponse;
  client: ClientRecord;
  claims: IdentityClaims;
  scope: string;
  /** RFC 8176 methods the user authenticated with. */
  amr: string[];
  jkt?: string;
  nonce?: string;
}

/**
 * Mints the OAuth endpoints' tokens on feature-tokens' per-tenant keys: RFC 9068 access tokens
 * (for a user or, with client_credentials, for the client itself: `sub` = client_id), OpenID
 * Connect ID tokens (nonce, at_hash, auth_time, amr, sid) and refresh tokens of a login session.
 * Lifetimes are the client's where it has its own, else the tenant's. A DPoP key thumbprint binds
 * the access token (`cnf.jkt`, token_type DPoP) and, for public clients, the session's refresh
 * tokens (RFC 9449 §5).
 */
@Injectable()
export class OAuthTokenMinter {
  constructor(
    private readonly signer: TokenSignerService,
    private readonly keys: SigningKeyService,
    private readonly sessions: LoginSessionService,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly options: AuthTokensOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async forClient(request: ClientTokenRequest): Promise<OAuthTokenResponse> {
    const { tenant, client } = request;
    const issuedAt = this.nowSeconds();
    const lifetime = accessLifetimeOf(tenant, client);
    const scope = request.scopes.join(' ');
    const claims: AccessTokenClaims = {
      iss: issuerOf(this.options.publicUrl, tenant.id),
      sub: client.clientId,
      aud: API_AUDIENCE,
      exp: issuedAt + lifetime,
      iat: issuedAt,
      jti: randomUUID(),
      client_id: client.clientId,
      tid: tenant.id,
      scope,
      ...(request.jkt === undefined ? {} : { cnf: { jkt: request.jkt } }),
    };
    const accessToken = await this.signer.sign(keyedTenantFor(tenant, client), { ...claims }, ACCESS_TOKEN_TYPE);
    return { access_token: accessToken, token_type: request.jkt === undefined ? 'Bearer' : 'DPoP', expires_in: lifetime, scope };
  }

  async forUser(request: UserTokenRequest): Promise<OAuthTokenResponse> {
    const { tenant, client, grant } = request;
    const issuedAt = this.nowSeconds();
    const issuer = issuerOf(this.options.publicUrl, tenant.id);
    const subject = tokenSubjectOf(request.claims);
    const keyed = keyedTenantFor(tenant, client);
    const accessLifetime = accessLifetimeOf(tenant, client);
    const access = accessTokenClaimsOf(subject, grant, { issuer, issuedAt, lifetimeSeconds: accessLifetime }, [API_AUDIENCE], randomUUID());
    const accessToken = await this.signer.sign(keyed, { ...access, ...(request.jkt === undefined ? {} : { cnf: { jkt: request.jkt } }) }, ACCESS_TOKEN_TYPE);
    const response: OAuthTokenResponse = { access_token: accessToken, token_type: request.jkt === undefined ? 'Bearer' : 'DPoP', expires_in: accessLifetime, scope: grant.scope };
    if (request.refreshToken !== undefined) response.refresh_token = request.refreshToken;
    if ((request.idToken ?? true) && grant.scope.split(' ').includes('openid')) {
      const { alg } = await this.keys.signingKeyOf(keyed);
      const id = idTokenClaimsOf(subject, grant, { issuer, issuedAt, lifetimeSeconds: client.tokenLifetimes.idToken ?? tenant.token_lifetimes.id_token });
      id['at_hash'] = leftHalfHash(accessToken, alg);
      if (request.nonce !== undefined) id['nonce'] = request.nonce;
      response.id_token = await this.signer.sign(keyed, id, ID_TOKEN_TYPE);
    }
    return response;
  }

  /**
   * Starts the user's login session (LoginSessionService: `sid`) with a refresh token when the
   * client may refresh, and mints its first tokens.
   */
  async startSession(request: NewSessionRequest): Promise<OAuthTokenResponse> {
    const { tenant, client } = request;
    await this.keys.signingKeyOf(keyedTenantFor(tenant, client));
    const started = await this.sessions.start({
      tenantId: tenant.id,
      userId: request.claims.user_id,
      clientId: client.clientId,
      scope: request.scope,
      amr: request.amr,
      refreshLifetimeSeconds: client.tokenLifetimes.refreshToken ?? tenant.token_lifetimes.refresh_token,
      dpopJkt: client.clientType === 'public' ? request.jkt : undefined,
    });
    const refreshToken = client.allowedGrantTypes.includes('refresh_token') ? started.refreshToken : undefined;
    return this.forUser({ tenant, client, claims: request.claims, grant: started.grant, jkt: request.jkt, nonce: request.nonce, refreshToken });
  }

  private nowSeconds(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }
}

function accessLifetimeOf(tenant: TenantResponse, client: ClientRecord): number {
  return client.tokenLifetimes.accessToken ?? tenant.token_lifetimes.access_token;
}

/** The tenant as key management sees it; a client's longer lifetimes keep retired keys published longer. */
function keyedTenantFor(tenant: TenantResponse, client: ClientRecord): KeyedTenant {
  return { id: tenant.id, longestJwtLifetimeSeconds: Math.max(longestJwtLifetimeOf(tenant), client.tokenLifetimes.accessToken ?? 0, client.tokenLifetimes.idToken ?? 0) };
}

/** OIDC Core §3.1.3.6 at_hash: the left half of the hash the signing algorithm uses (SHA-512 for Ed25519). */
export function leftHalfHash(value: string, alg: string): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256').update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
