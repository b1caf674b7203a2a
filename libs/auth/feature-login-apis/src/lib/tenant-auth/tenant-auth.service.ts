import { Inject, Injectable } from '@nestjs/common';
import type { CallContext } from '@sigma/auth/data-access';
import { DIRECT_LOGIN_SCOPE } from '@sigma/auth/domain';
import type { ApiKeyTenant } from '@sigma/auth/feature-clients';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, LoginCompletionService, TenantLookupService } from '@sigma/auth/feature-tokens';
import type { IdentityClaims } from '@sigma/shared/contracts-internal';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

/** The authentication method of tokens a tenant's backend obtains with its API key (the `amr` of their sessions). */
export const API_KEY_AMR = 'api_key';

/** The client_id of tokens minted with a tenant API key: the key's id, so a token names the key that obtained it. */
export function apiKeyClientIdOf(keyId: string): string {
  return `tenant-api-key:${keyId}`;
}

/**
 * Seed 003's direct authentication: a tenant's backend, holding its API key, obtains an access
 * token for one of its users by identifier (the user is created at the first use). The token is an
 * access token like any other, of a session started through LoginSessionService that lasts the
 * token's lifetime (the tenant's access-token lifetime), so session revocation applies to it.
 */
@Injectable()
export class TenantAuthService {
  constructor(
    private readonly completion: LoginCompletionService,
    private readonly tenants: TenantLookupService,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly options: AuthTokensOptions,
  ) {}

  async create(key: ApiKeyTenant, identifier: string, context: CallContext): Promise<{ token: string; claims: IdentityClaims }> {
    const { user: claims } = await this.options.directory.identifierUser({ tenant_id: key.tenantId, identifier }, context);
    if (!claims.is_active) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the user is disabled', { oauthError: 'access_denied' });
    const tenant = await this.tenants.resolve(key.tenantId, context);
    const login = await this.completion.startSession(
      claims,
      { clientId: apiKeyClientIdOf(key.keyId), scope: DIRECT_LOGIN_SCOPE, amr: [API_KEY_AMR], maxSessionSeconds: tenant.token_lifetimes.access_token },
      context,
    );
    return { token: login.tokens.access_token, claims };
  }
}
