import { Injectable } from '@nestjs/common';
import type { CallContext } from '@sigma/auth/data-access';
import type { IdentityClaims } from '@sigma/shared/contracts-internal';
import { TokenIssuerService } from '../issuing/token-issuer.service';
import type { LoginResponse } from '../issuing/token.response.dto';
import { userResponseOf } from '../issuing/user.response.dto';
import { LoginSessionService } from '../sessions/login-session.service';
import { TenantLookupService } from '../tenants/tenant-lookup.service';

/** The last step of every direct login: a session, its tokens, and the user object. */
@Injectable()
export class LoginCompletionService {
  constructor(
    private readonly tenants: TenantLookupService,
    private readonly sessions: LoginSessionService,
    private readonly issuer: TokenIssuerService,
  ) {}

  async complete(claims: IdentityClaims, grant: { clientId: string; scope: string; amr: string[] }, context: CallContext): Promise<LoginResponse> {
    const tenant = await this.tenants.resolve(claims.tenant_id, context);
    await this.issuer.prepare(tenant);
    const session = await this.sessions.start({
      tenantId: tenant.id,
      userId: claims.user_id,
      clientId: grant.clientId,
      scope: grant.scope,
      amr: grant.amr,
      refreshLifetimeSeconds: tenant.token_lifetimes.refresh_token,
    });
    const tokens = await this.issuer.issue(tenant, claims, session.grant, session.refreshToken);
    return { ...tokens, user: userResponseOf(claims), mfa_required: false };
  }
}
