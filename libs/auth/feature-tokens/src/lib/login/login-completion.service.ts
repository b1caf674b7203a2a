import { Injectable } from '@nestjs/common';
import type { CallContext } from '@sigma/auth/data-access';
import type { IdentityClaims } from '@sigma/shared/contracts-internal';
import { TokenIssuerService } from '../issuing/token-issuer.service';
import type { LoginResponse, TokenResponse } from '../issuing/token.response.dto';
import { userResponseOf } from '../issuing/user.response.dto';
import { LoginSessionService, SessionStart } from '../sessions/login-session.service';
import { TenantLookupService } from '../tenants/tenant-lookup.service';

/** What a completed login grants. */
export interface LoginGrant {
  clientId: string;
  scope: string;
  amr: string[];
  /** Caps the session (and each refresh token) below the tenant's refresh-token lifetime. */
  maxSessionSeconds?: number;
  /** What the login said about its device (seed 002 deviceInfo); the User-Agent of `context` fills the gaps. */
  device?: SessionStart['device'];
  /** The session gets its policy's remember-me lifetime. */
  rememberMe?: boolean;
  /** The application's registered session settings (seed 002 sessionTimeout as idle timeout, maxSessions). */
  applicationPolicy?: SessionStart['applicationPolicy'];
  /** The application's name, for the admin session list. */
  clientName?: string;
}

/** The session and tokens of a completed login. */
export interface CompletedLogin {
  tokens: TokenResponse;
  sessionId: string;
  sessionExpiresAt: Date;
}

/** The last step of every direct login: a session, its tokens, and the user object. */
@Injectable()
export class LoginCompletionService {
  constructor(
    private readonly tenants: TenantLookupService,
    private readonly sessions: LoginSessionService,
    private readonly issuer: TokenIssuerService,
  ) {}

  async complete(claims: IdentityClaims, grant: LoginGrant, context: CallContext): Promise<LoginResponse> {
    const { tokens } = await this.startSession(claims, grant, context);
    return { ...tokens, user: userResponseOf(claims), mfa_required: false };
  }

  /** Starts the login's session (at session-service; its id is the tokens' sid) and issues its tokens. */
  async startSession(claims: IdentityClaims, grant: LoginGrant, context: CallContext): Promise<CompletedLogin> {
    const tenant = await this.tenants.resolve(claims.tenant_id, context);
    await this.issuer.prepare(tenant);
    const tenantLifetime = tenant.token_lifetimes.refresh_token;
    const session = await this.sessions.start({
      tenantId: tenant.id,
      userId: claims.user_id,
      clientId: grant.clientId,
      scope: grant.scope,
      amr: grant.amr,
      refreshLifetimeSeconds: grant.maxSessionSeconds === undefined ? tenantLifetime : Math.max(1, Math.min(tenantLifetime, grant.maxSessionSeconds)),
      context,
      device: grant.device,
      rememberMe: grant.rememberMe,
      applicationPolicy: grant.applicationPolicy,
      clientName: grant.clientName,
      userEmail: claims.email,
    });
    const tokens = await this.issuer.issue(tenant, claims, session.grant, session.refreshToken);
    return { tokens, sessionId: session.grant.sessionId, sessionExpiresAt: session.expiresAt };
  }
}
