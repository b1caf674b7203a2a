import { Inject, Injectable } from '@nestjs/common';
import { accessTokenClaimsOf, ID_TOKEN_TYPE, idTokenClaimsOf, TokenGrant } from '@sigma/auth/domain';
import type { IdentityClaims, TenantResponse } from '@sigma/shared/contracts-internal';
import { ACCESS_TOKEN_TYPE, API_AUDIENCE, issuerOf } from '@sigma/shared/util-auth';
import { randomUUID } from 'node:crypto';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, Clock, CLOCK } from '../auth-tokens.options';
import { KeyedTenant, SigningKeyService } from '../signing-keys/signing-key.service';
import { TokenSignerService } from '../signing-keys/token-signer.service';
import { longestJwtLifetimeOf } from '../tenants/tenant-lookup.service';
import { tokenSubjectOf } from './token-subject';
import type { TokenResponse } from './token.response.dto';

/**
 * Issues the JWTs of a grant: an RFC 9068 access token for the suite's APIs and an OpenID Connect
 * ID token for the client, both from the tenant's issuer, signed with the tenant's key, with the
 * tenant's lifetimes. The refresh token is the caller's (it belongs to the session).
 */
@Injectable()
export class TokenIssuerService {
  constructor(
    private readonly signer: TokenSignerService,
    private readonly keys: SigningKeyService,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly options: AuthTokensOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Makes sure the tenant can sign (creating or rotating its key) before state changes that need tokens afterwards. */
  async prepare(tenant: TenantResponse): Promise<void> {
    await this.keys.signingKeyOf(keyedTenantOf(tenant));
  }

  async issue(tenant: TenantResponse, claims: IdentityClaims, grant: TokenGrant, refreshToken: string): Promise<TokenResponse> {
    const issuedAt = Math.floor(this.clock().getTime() / 1000);
    const issuer = issuerOf(this.options.publicUrl, tenant.id);
    const subject = tokenSubjectOf(claims);
    const lifetimes = tenant.token_lifetimes;
    const keyed = keyedTenantOf(tenant);
    const access = accessTokenClaimsOf(subject, grant, { issuer, issuedAt, lifetimeSeconds: lifetimes.access_token }, [API_AUDIENCE], randomUUID());
    const id = idTokenClaimsOf(subject, grant, { issuer, issuedAt, lifetimeSeconds: lifetimes.id_token });
    const [accessToken, idToken] = await Promise.all([this.signer.sign(keyed, { ...access }, ACCESS_TOKEN_TYPE), this.signer.sign(keyed, id, ID_TOKEN_TYPE)]);
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      id_token: idToken,
      token_type: 'Bearer',
      expires_in: lifetimes.access_token,
      scope: grant.scope,
    };
  }
}

export function keyedTenantOf(tenant: TenantResponse): KeyedTenant {
  return { id: tenant.id, longestJwtLifetimeSeconds: longestJwtLifetimeOf(tenant) };
}
