import { Inject, Injectable } from '@nestjs/common';
import type { CallContext } from '@sigma/auth/data-access';
import { amrOf, AuthErrors, DIRECT_LOGIN_SCOPE, FIRST_PARTY_CLIENT_ID } from '@sigma/auth/domain';
import { ClientRecord, ClientRegistry, recordSignIn } from '@sigma/auth/feature-clients';
import {
  AUTH_TOKENS_OPTIONS,
  AuthTokensOptions,
  grantOfFamily,
  LoginCompletionService,
  LoginSessionService,
  MfaStepService,
  RefreshTokenService,
  TokenIssuerService,
} from '@sigma/auth/feature-tokens';
import type { IdentityClaims } from '@sigma/shared/contracts-internal';
import { AccessTokenVerifier, Caller } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind, FieldProblem } from '@sigma/shared/util-errors';
import { DataSource } from 'typeorm';
import { AdminAuthAnswer, adminTokensOf, adminUserOf, sessionDeviceOf } from './admin-auth.response';
import type { AdminAuthRequest } from './admin-auth.request.dto';

/** How long a session of the built-in first-party client lasts without rememberMe (registered applications use their sessionTimeout). */
export const FIRST_PARTY_SESSION_SECONDS = 86400;

/** Who made the request: for the directory's per-IP throttle and the request log. */
export interface AdminAuthContext extends CallContext {
  clientIp?: string;
}

/** The application a request names: a registered client, or the built-in first-party client. */
interface Application {
  clientId: string;
  /** Absent: the default tenant. */
  tenantId?: string;
  record?: ClientRecord;
}

function invalid(details: FieldProblem[]): DomainError {
  return new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details });
}

function required<T>(value: T | undefined, field: string, action: string): T {
  if (value === undefined) throw invalid([{ field, message: `${field} is required for action ${action}` }]);
  return value;
}

/**
 * Seed 002's action-style authentication (`POST /api/admin/identity/auth`): login, register,
 * refresh, logout and verify, over the same sessions, tokens and directory checks as the other
 * login APIs. Sessions are started and ended only through LoginSessionService.
 */
@Injectable()
export class AdminAuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clients: ClientRegistry,
    private readonly completion: LoginCompletionService,
    private readonly mfa: MfaStepService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly issuer: TokenIssuerService,
    private readonly sessions: LoginSessionService,
    private readonly verifier: AccessTokenVerifier,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly options: AuthTokensOptions,
  ) {}

  async handle(request: AdminAuthRequest, context: AdminAuthContext): Promise<{ answer: AdminAuthAnswer; created: boolean; who?: { tenantId: string; userId?: string; clientId?: string } }> {
    switch (request.action) {
      case 'login':
        return this.login(request, context);
      case 'register':
        return this.register(request, context);
      case 'refresh':
        return this.refresh(request, context);
      case 'logout':
        return this.logout(request);
      case 'verify':
        return this.verify(request, context);
    }
  }

  private async login(request: AdminAuthRequest, context: AdminAuthContext) {
    if (request.mfaSessionId !== undefined) return this.secondFactor(request, request.mfaSessionId, context);
    const email = required(request.email, 'email', 'login');
    const password = required(request.password, 'password', 'login');
    const application = await this.applicationOf(request.clientId);
    const { user: claims } = await this.options.directory.verifyPassword({ tenant_id: application.tenantId, username: email, password, client_ip: context.clientIp }, context);
    if (!claims.is_active) throw AuthErrors.accountDisabled();
    if (application.record?.settings.requireEmailVerification && !claims.email_verified) throw emailNotVerified();
    const who = { tenantId: claims.tenant_id, userId: claims.user_id, clientId: application.clientId };
    // Passkeys are a sign-in method of their own, not a second factor of password logins (ADR 22).
    if (claims.mfa.totp) {
      const pending = await this.mfa.begin(claims, application.clientId, DIRECT_LOGIN_SCOPE);
      const answer: AdminAuthAnswer = {
        success: true,
        mfaRequired: true,
        mfaSessionId: pending.mfa_session_id,
        message: 'Second factor required: send action login again with mfaSessionId and totpCode or recoveryCode',
      };
      return { answer, created: false, who };
    }
    const answer = await this.startSession(claims, application, request, 'Login successful', context);
    return { answer, created: false, who };
  }

  /** The second step of a login with a second factor: the pending login of the first step, and a TOTP or recovery code. */
  private async secondFactor(request: AdminAuthRequest, mfaSessionId: string, context: AdminAuthContext) {
    if ((request.totpCode === undefined) === (request.recoveryCode === undefined)) {
      throw invalid([{ field: 'totpCode', message: 'exactly one of totpCode and recoveryCode is required with mfaSessionId' }]);
    }
    if (request.email !== undefined || request.password !== undefined) throw invalid([{ field: 'password', message: 'the second step sends no email or password' }]);
    const application = await this.applicationOf(request.clientId);
    const { claims, grant } = await this.mfa.passSecondFactor({ mfaSessionId, totpCode: request.totpCode, recoveryCode: request.recoveryCode }, context);
    if (grant.clientId !== application.clientId) throw AuthErrors.mfaSessionNotFound();
    const answer = await this.startSession(claims, application, request, 'Login successful', context, grant.amr);
    return { answer, created: false, who: { tenantId: claims.tenant_id, userId: claims.user_id, clientId: application.clientId } };
  }

  private async register(request: AdminAuthRequest, context: AdminAuthContext) {
    const clientId = required(request.clientId, 'clientId', 'register');
    const email = required(request.email, 'email', 'register');
    const password = required(request.password, 'password', 'register');
    if (request.acceptTerms !== true) throw invalid([{ field: 'acceptTerms', message: 'the terms must be accepted (acceptTerms: true) to register' }]);
    const application = await this.applicationOf(clientId);
    const record = application.record;
    if (!record || !record.settings.allowRegistration) {
      throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'this application does not allow registration');
    }
    const { user: claims } = await this.options.directory.registerUser(
      { tenant_id: record.tenantId, email, password, first_name: request.firstName, last_name: request.lastName, role: record.settings.defaultRole },
      context,
    );
    const who = { tenantId: claims.tenant_id, userId: claims.user_id, clientId };
    if (record.settings.requireEmailVerification || !claims.is_active) {
      const answer: AdminAuthAnswer = { success: true, user: adminUserOf(claims), message: 'Registration successful; verify the email address before signing in' };
      return { answer, created: true, who };
    }
    const answer = await this.startSession(claims, application, request, 'Registration successful', context);
    return { answer: { ...answer, session: undefined }, created: true, who };
  }

  private async refresh(request: AdminAuthRequest, context: AdminAuthContext) {
    const refreshToken = required(request.refreshToken, 'refreshToken', 'refresh');
    const rotated = await this.refreshTokens.rotateRefreshToken(
      refreshToken,
      (family) => {
        if (request.clientId !== undefined && family.clientId !== request.clientId) throw AuthErrors.refreshTokenOfAnotherClient();
        // A DPoP-bound session refreshes only at the token endpoint, with a proof of its key.
        if (family.dpopJkt !== null) throw AuthErrors.invalidRefreshToken();
      },
      { context },
    );
    const { family } = rotated;
    const tokens = await this.issuer.issue(rotated.tenant, rotated.claims, grantOfFamily(family), rotated.refreshToken);
    const answer: AdminAuthAnswer = { success: true, tokens: adminTokensOf(tokens), message: 'Token refreshed successfully' };
    return { answer, created: false, who: { tenantId: family.tenantId, userId: family.userId, clientId: family.clientId } };
  }

  private async logout(request: AdminAuthRequest) {
    const caller = await this.callerOf(request, 'logout');
    const userId = caller.userId;
    if (userId === undefined) throw invalid([{ field: 'accessToken', message: 'the access token belongs to no user session' }]);
    if (request.allSessions === true) {
      await this.sessions.endAllOf(caller.tenantId, userId, 'logout');
    } else {
      if (caller.sessionId === undefined) throw invalid([{ field: 'accessToken', message: 'the access token belongs to no user session' }]);
      await this.sessions.endById(caller.tenantId, userId, caller.sessionId, 'logout');
    }
    const answer: AdminAuthAnswer = { success: true, message: 'Logout successful' };
    return { answer, created: false, who: { tenantId: caller.tenantId, userId, clientId: caller.clientId } };
  }

  private async verify(request: AdminAuthRequest, context: AdminAuthContext) {
    const caller = await this.callerOf(request, 'verify');
    const userId = caller.userId;
    if (userId === undefined || caller.sessionId === undefined) throw invalidToken('the access token belongs to no user session');
    const status = await this.sessions.status(caller.tenantId, caller.sessionId);
    if (!status?.active) throw invalidToken('the session of the access token has ended');
    let claims: IdentityClaims;
    try {
      claims = (await this.options.directory.userClaims(userId, caller.tenantId, context)).user;
    } catch (error) {
      if (error instanceof DomainError && error.kind === ErrorKind.NOT_FOUND) throw invalidToken('the user of the access token no longer exists');
      throw error;
    }
    const answer: AdminAuthAnswer = {
      success: true,
      valid: true,
      user: adminUserOf(claims),
      session: { id: caller.sessionId, expiresAt: status.expiresAt?.toISOString() ?? null },
      message: 'Token is valid',
    };
    return { answer, created: false, who: { tenantId: caller.tenantId, userId, clientId: caller.clientId } };
  }

  /** The verified caller of logout and verify; a named application must be the token's client. */
  private async callerOf(request: AdminAuthRequest, action: string): Promise<Caller> {
    const caller = await this.verifier.verify(required(request.accessToken, 'accessToken', action));
    if (request.clientId !== undefined && request.clientId !== caller.clientId) throw invalidToken('the access token was issued to another application');
    return caller;
  }

  private async startSession(
    claims: IdentityClaims,
    application: Application,
    request: AdminAuthRequest,
    message: string,
    context: AdminAuthContext,
    amr: string[] = amrOf(),
  ): Promise<AdminAuthAnswer> {
    const sessionCap = request.rememberMe === true ? undefined : (application.record?.settings.sessionTimeout ?? FIRST_PARTY_SESSION_SECONDS);
    const device = request.deviceInfo && { deviceType: request.deviceInfo.device, browser: request.deviceInfo.browser, os: request.deviceInfo.os };
    // The session at session-service gets the declared device, remember-me, and the application's maxSessions.
    const applicationPolicy = application.record && { maxSessions: Math.min(1000, application.record.settings.maxSessions) };
    const login = await this.completion.startSession(
      claims,
      { clientId: application.clientId, scope: DIRECT_LOGIN_SCOPE, amr, maxSessionSeconds: sessionCap, device, rememberMe: request.rememberMe === true, applicationPolicy, clientName: application.record?.name },
      context,
    );
    await recordSignIn(this.dataSource.manager, { tenantId: claims.tenant_id, clientId: application.clientId, userId: claims.user_id });
    return {
      success: true,
      user: adminUserOf(claims),
      tokens: adminTokensOf(login.tokens),
      session: { id: login.sessionId, expiresAt: login.sessionExpiresAt.toISOString(), deviceInfo: sessionDeviceOf(request.deviceInfo) },
      message,
    };
  }

  private async applicationOf(clientId: string | undefined): Promise<Application> {
    if (clientId === undefined || clientId === FIRST_PARTY_CLIENT_ID) return { clientId: FIRST_PARTY_CLIENT_ID };
    const record = await this.clients.findActiveByClientId(undefined, clientId);
    if (!record) throw invalid([{ field: 'clientId', message: 'names no active application' }]);
    return { clientId: record.clientId, tenantId: record.tenantId, record };
  }
}

function invalidToken(message: string): DomainError {
  return new DomainError(ErrorKind.INVALID_TOKEN, message, { oauthError: 'invalid_token' });
}

function emailNotVerified(): DomainError {
  return new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the email address must be verified before signing in to this application');
}
