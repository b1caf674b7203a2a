import { Inject, Injectable } from '@nestjs/common';
import type { CallContext } from '@sigma/auth/data-access';
import {
  AuthorizationCodeRepository,
  AuthorizationRequest,
  BrowserSession,
  BrowserSessionRepository,
  ConsentRepository,
  DeviceAuthorizationRepository,
  PendingAuthorization,
  PendingAuthorizationRepository,
  PushedRequestRepository,
} from '@sigma/auth/data-access-authorize';
import { amrOf, SecondFactor } from '@sigma/auth/domain';
import { ClientRecord, ClientRegistry, FAPI2_AUTHORIZATION_CODE_TTL_SECONDS, recordSignIn } from '@sigma/auth/feature-clients';
import { OAuthTokenMinter } from '@sigma/auth/feature-oauth';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, CLOCK, Clock, LoginSessionService, TenantLookupService } from '@sigma/auth/feature-tokens';
import type { IdentityClaims } from '@sigma/shared/contracts-internal';
import { isUuid, issuerOf } from '@sigma/shared/util-auth';
import { hashToken, randomToken } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  AUTHORIZATION_CODE_SECONDS,
  AUTHORIZE_OPTIONS,
  AuthorizeOptions,
  BROWSER_SESSION_SECONDS,
  PAR_REQUEST_URI_PREFIX,
  PENDING_AUTHORIZATION_SECONDS,
  PENDING_MAX_FAILURES,
} from './authorize.options';
import { AuthorizationError } from './protocol/authorization-error';
import { AuthorizationParams, authorizationRequestOf, authorizationResponseUrl, fragmentResponseUrl, redirectUriOf } from './protocol/authorization-request';

/** Where the browser goes next. */
export type FlowStep =
  | { step: 'redirect'; location: string }
  | { step: 'login'; loginChallenge: string }
  | { step: 'consent'; loginChallenge: string }
  | { step: 'error-page'; error: string; description: string }
  | { step: 'done'; title: string; message: string };

/** The result of a sign-in on the pages: the next step, and a new browser session to set as cookie. */
export interface SignInResult {
  next: FlowStep;
  session?: { token: string; expiresAt: Date };
}

/** A pending authorization with its client, as the pages show it. */
export interface PendingView {
  pending: PendingAuthorization;
  client: ClientRecord;
}

/**
 * The authorization endpoint's flow (RFC 6749 §4.1, OIDC Core §3.1.2): validates the request,
 * keeps it pending while the user signs in (password, second factor) and consents, then answers
 * the client's redirect URI with a single-use code, `state` and `iss`. Device approvals (RFC 8628)
 * share the sign-in and consent steps.
 */
@Injectable()
export class AuthorizationFlowService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clients: ClientRegistry,
    private readonly tenants: TenantLookupService,
    private readonly sessions: LoginSessionService,
    private readonly minter: OAuthTokenMinter,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly tokens: AuthTokensOptions,
    @Inject(AUTHORIZE_OPTIONS) private readonly options: AuthorizeOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The tenant issuer the authorization responses name (RFC 9207). */
  issuerOf(tenantId: string): string {
    return issuerOf(this.options.publicUrl, tenantId);
  }

  /** Handles an authorization request; errors that cannot be redirected become the error page. */
  async authorize(params: AuthorizationParams, sessionToken: string | undefined): Promise<FlowStep> {
    const clientId = params['client_id'];
    if (clientId === undefined) return errorPage('invalid_request', 'client_id is required');
    const tenantHint = params['tenant_id'];
    if (tenantHint !== undefined && !isUuid(tenantHint)) return errorPage('invalid_request', 'tenant_id must be a UUID');
    // Cross-tenant use: a client of another tenant is unknown here.
    const client = await this.clients.findActiveByClientId(tenantHint, clientId);
    if (!client) return errorPage('invalid_client', 'the client is unknown or not active in this tenant');

    let request: AuthorizationRequest;
    let redirectUri: string | undefined;
    try {
      if (params['request_uri'] !== undefined) {
        request = await this.pushedRequestOf(client, params);
      } else {
        redirectUri = redirectUriOf(client, params['redirect_uri']);
        if (client.requirePar || client.fapi2) throw AuthorizationError.redirect('invalid_request', 'this client must push its authorization requests (PAR, RFC 9126)');
        request = authorizationRequestOf(client, redirectUri, params, false);
      }
    } catch (error) {
      if (!(error instanceof AuthorizationError)) throw error;
      if (!error.redirectable || redirectUri === undefined) return errorPage(error.error, error.description);
      return this.errorRedirect(client.tenantId, redirectUri, params['state'], error, params['response_type'] === 'token' && client.allowImplicit);
    }

    const handle = randomToken();
    const now = this.clock();
    await new PendingAuthorizationRepository(this.dataSource.manager).insert({
      handleHash: hashToken(handle),
      tenantId: client.tenantId,
      clientId: client.clientId,
      kind: 'code',
      request,
      createdAt: now,
      expiresAt: new Date(now.getTime() + PENDING_AUTHORIZATION_SECONDS * 1000),
    });

    const session = await this.browserSessionOf(sessionToken, client.tenantId);
    const fresh = session !== undefined && !request.prompt.includes('login') && !request.prompt.includes('select_account') && withinMaxAge(session, request.maxAge, now);
    if (!fresh) {
      if (request.prompt.includes('none')) return this.finishWithError(handle, client, request, 'login_required', 'the user is not signed in');
      return { step: 'login', loginChallenge: handle };
    }
    return this.afterSignIn(handle, { kind: 'code', tenantId: client.tenantId, clientId: client.clientId, request, mfaUserId: null, failedAttempts: 0 }, client, session);
  }

  /** The pending authorization a page handle names, with its client; undefined when unknown, used or expired. */
  async pendingOf(handle: string): Promise<PendingView | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(handle)) return undefined;
    const pending = await new PendingAuthorizationRepository(this.dataSource.manager).find(hashToken(handle), this.clock());
    if (!pending) return undefined;
    const client = await this.clients.findActiveByClientId(pending.tenantId, pending.clientId);
    return client ? { pending, client } : undefined;
  }

  /**
   * The password step on the login page (or seed 004's login API with login_challenge): the
   * directory checks the password and owns lockout; a user with a second factor goes to the MFA
   * step, any other user is signed in (a new browser session) and the flow continues.
   */
  async signInWithPassword(handle: string, view: PendingView, credentials: { username: string; password: string; clientIp?: string }, context: CallContext): Promise<SignInResult> {
    const { user: claims } = await this.tokens.directory.verifyPassword(
      { tenant_id: view.pending.tenantId, username: credentials.username, password: credentials.password, client_ip: credentials.clientIp },
      context,
    );
    if (!claims.is_active) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the account is disabled');
    // Passkeys are a sign-in method of their own (their button on this page), not a second factor (ADR 22).
    if (claims.mfa.totp) {
      await new PendingAuthorizationRepository(this.dataSource.manager).setMfaUser(hashToken(handle), claims.user_id);
      return { next: { step: 'login', loginChallenge: handle } };
    }
    return this.signedIn(handle, view, claims, amrOf());
  }

  /** The second-factor step: a TOTP or recovery code for the user whose password was right. */
  async signInWithSecondFactor(handle: string, view: PendingView, code: { totpCode?: string; recoveryCode?: string }, context: CallContext): Promise<SignInResult> {
    const userId = view.pending.mfaUserId;
    if (userId === null) throw new DomainError(ErrorKind.VALIDATION, 'no second factor is due');
    if (view.pending.failedAttempts >= PENDING_MAX_FAILURES) throw new DomainError(ErrorKind.NOT_FOUND, 'too many wrong codes; start again');
    const factor: SecondFactor = code.totpCode !== undefined ? 'totp' : 'recovery_code';
    let claims: IdentityClaims;
    try {
      const answer = await this.tokens.directory.verifySecondFactor(
        { tenant_id: view.pending.tenantId, user_id: userId, ...(factor === 'totp' ? { totp_code: code.totpCode } : { recovery_code: code.recoveryCode }) },
        context,
      );
      claims = answer.user;
    } catch (error) {
      if (error instanceof DomainError && error.kind === ErrorKind.INVALID_CREDENTIALS) await new PendingAuthorizationRepository(this.dataSource.manager).recordFailure(hashToken(handle));
      throw error;
    }
    await new PendingAuthorizationRepository(this.dataSource.manager).setMfaUser(hashToken(handle), null);
    return this.signedIn(handle, view, claims, amrOf(factor));
  }

  /**
   * Another sign-in method (passkey, social login) authenticated the user of a pending
   * authorization: the browser is signed in and the flow continues. The user must be of the
   * authorization's tenant.
   */
  async signInWithMethod(handle: string, claims: IdentityClaims, amr: string[]): Promise<SignInResult> {
    const view = await this.pendingOf(handle);
    if (!view) throw new DomainError(ErrorKind.NOT_FOUND, 'The login challenge is unknown, used or expired');
    if (claims.tenant_id !== view.pending.tenantId) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the user is not of the tenant of this authorization');
    if (!claims.is_active) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the account is disabled');
    return this.signedIn(handle, view, claims, amr);
  }

  /** Continues a pending authorization for a browser that is signed in already (the device page after its code). */
  async continueSignedIn(handle: string, view: PendingView, sessionToken: string | undefined): Promise<FlowStep> {
    const session = await this.browserSessionOf(sessionToken, view.pending.tenantId);
    if (!session) return { step: 'login', loginChallenge: handle };
    return this.afterSignIn(handle, view.pending, view.client, session);
  }

  /** The consent page's decision. */
  async decide(handle: string, view: PendingView, sessionToken: string | undefined, decision: 'approve' | 'deny', remember: boolean): Promise<FlowStep> {
    const session = await this.browserSessionOf(sessionToken, view.pending.tenantId);
    if (!session) return { step: 'login', loginChallenge: handle };
    const { pending, client } = view;
    if (pending.kind === 'device') {
      const now = this.clock();
      const decided = await this.dataSource.transaction(async (manager) => {
        if (!(await new PendingAuthorizationRepository(manager).complete(hashToken(handle), now))) return false;
        const devices = new DeviceAuthorizationRepository(manager);
        return devices.decide(
          pending.request.userCode,
          decision === 'approve' ? { approved: true, userId: session.userId, authTime: session.authTime, amr: session.amr, browserSessionId: session.id } : { approved: false },
          now,
        );
      });
      if (!decided) return errorPage('expired_token', 'the device code expired or was used; start again on the device');
      return decision === 'approve'
        ? { step: 'done', title: 'Device connected', message: `${client.name} is signed in. You can close this window and return to your device.` }
        : { step: 'done', title: 'Access denied', message: `${client.name} was not allowed to sign in. You can close this window.` };
    }
    if (decision === 'deny') return this.finishWithError(handle, client, pending.request, 'access_denied', 'the user denied access');
    if (remember) await new ConsentRepository(this.dataSource.manager).remember(pending.tenantId, session.userId, client.clientId, pending.request.scope.split(' '), this.clock());
    return this.issueCode(handle, client, pending.request, session);
  }

  /** Whether the consent page should offer to remember the decision (not for devices: each one is confirmed). */
  static remembersConsent(pending: PendingAuthorization): boolean {
    return pending.kind === 'code';
  }

  private async signedIn(handle: string, view: PendingView, claims: IdentityClaims, amr: string[]): Promise<SignInResult> {
    const now = this.clock();
    const token = randomToken();
    const session: BrowserSession = {
      id: randomUUID(),
      tenantId: claims.tenant_id,
      userId: claims.user_id,
      authTime: new Date(Math.floor(now.getTime() / 1000) * 1000),
      amr,
      createdAt: now,
      expiresAt: new Date(now.getTime() + BROWSER_SESSION_SECONDS * 1000),
    };
    await this.dataSource.transaction(async (manager) => {
      await new BrowserSessionRepository(manager).insert({ ...session, tokenHash: hashToken(token) });
      await recordSignIn(manager, { tenantId: claims.tenant_id, clientId: view.client.clientId, userId: claims.user_id });
    });
    const next = await this.afterSignIn(handle, view.pending, view.client, session);
    return { next, session: { token, expiresAt: session.expiresAt } };
  }

  /** Consent unless the client is first-party or the user allowed these scopes before (never skipped for devices). */
  private async afterSignIn(handle: string, pending: PendingAuthorization, client: ClientRecord, session: BrowserSession): Promise<FlowStep> {
    if (pending.kind === 'device') return { step: 'consent', loginChallenge: handle };
    const request = pending.request;
    if (client.firstParty && !request.prompt.includes('consent')) return this.issueCode(handle, client, request, session);
    const remembered = await new ConsentRepository(this.dataSource.manager).scopesOf(pending.tenantId, session.userId, client.clientId);
    const covered = request.scope.split(' ').every((scope) => remembered.includes(scope));
    if (covered && !request.prompt.includes('consent')) return this.issueCode(handle, client, request, session);
    if (request.prompt.includes('none')) return this.finishWithError(handle, client, request, 'consent_required', 'the user has not consented to these scopes');
    return { step: 'consent', loginChallenge: handle };
  }

  private async issueCode(handle: string, client: ClientRecord, request: AuthorizationRequest, session: BrowserSession): Promise<FlowStep> {
    if (request.responseType === 'token') return this.issueImplicit(handle, client, request, session);
    const now = this.clock();
    const code = randomToken();
    const lifetime = client.fapi2 ? FAPI2_AUTHORIZATION_CODE_TTL_SECONDS : AUTHORIZATION_CODE_SECONDS;
    const issued = await this.dataSource.transaction(async (manager) => {
      if (!(await new PendingAuthorizationRepository(manager).complete(hashToken(handle), now))) return false;
      await new AuthorizationCodeRepository(manager).insert(
        hashToken(code),
        {
          tenantId: client.tenantId,
          clientId: client.clientId,
          userId: session.userId,
          redirectUri: request.redirectUri,
          scope: request.scope,
          nonce: request.nonce ?? null,
          codeChallenge: request.codeChallenge ?? null,
          codeChallengeMethod: request.codeChallengeMethod ?? null,
          dpopJkt: request.dpopJkt ?? null,
          authTime: session.authTime,
          amr: session.amr,
          browserSessionId: session.id,
          expiresAt: new Date(now.getTime() + lifetime * 1000),
        },
        now,
      );
      return true;
    });
    if (!issued) return errorPage('invalid_request', 'this authorization request was completed or expired; start again from the application');
    return { step: 'redirect', location: authorizationResponseUrl(request.redirectUri, { code, state: request.state, iss: this.issuerOf(client.tenantId) }) };
  }

  private async finishWithError(handle: string, client: ClientRecord, request: AuthorizationRequest, error: string, description: string): Promise<FlowStep> {
    await new PendingAuthorizationRepository(this.dataSource.manager).complete(hashToken(handle), this.clock());
    return this.errorRedirect(client.tenantId, request.redirectUri, request.state, AuthorizationError.redirect(error, description), request.responseType === 'token');
  }

  private errorRedirect(tenantId: string, redirectUri: string, state: string | undefined, error: AuthorizationError, fragment = false): FlowStep {
    const params = { error: error.error, error_description: error.description, state, iss: this.issuerOf(tenantId) };
    return { step: 'redirect', location: fragment ? fragmentResponseUrl(redirectUri, params) : authorizationResponseUrl(redirectUri, params) };
  }

  /**
   * An implicit response (RFC 6749 §4.2.2) for a client registered for it: an access token (no
   * refresh token, no ID token) of a new login session, in the fragment with state and iss.
   */
  private async issueImplicit(handle: string, client: ClientRecord, request: AuthorizationRequest, session: BrowserSession): Promise<FlowStep> {
    if (!(await new PendingAuthorizationRepository(this.dataSource.manager).complete(hashToken(handle), this.clock()))) {
      return errorPage('invalid_request', 'this authorization request was completed or expired; start again from the application');
    }
    const tenant = await this.tenants.resolve(client.tenantId);
    const { user: claims } = await this.tokens.directory.userClaims(session.userId, session.tenantId);
    const started = await this.sessions.start({
      tenantId: tenant.id,
      userId: session.userId,
      clientId: client.clientId,
      scope: request.scope,
      amr: session.amr,
      authTime: session.authTime,
      refreshLifetimeSeconds: client.tokenLifetimes.refreshToken ?? tenant.token_lifetimes.refresh_token,
    });
    await new BrowserSessionRepository(this.dataSource.manager).recordLogin(session.id, started.grant.sessionId);
    const tokens = await this.minter.forUser({ tenant, client, claims, grant: started.grant, idToken: false });
    return {
      step: 'redirect',
      location: fragmentResponseUrl(request.redirectUri, {
        access_token: tokens.access_token,
        token_type: tokens.token_type,
        expires_in: String(tokens.expires_in),
        scope: tokens.scope,
        state: request.state,
        iss: this.issuerOf(client.tenantId),
      }),
    };
  }

  /**
   * RFC 9126 §4: a pushed request replaces the query; only client_id (which must match) may come
   * with it. Unknown, expired or used request URIs are invalid_request_uri (on the error page: the
   * redirect URI inside them cannot be trusted any more).
   */
  private async pushedRequestOf(client: ClientRecord, params: AuthorizationParams): Promise<AuthorizationRequest> {
    const requestUri = params['request_uri'] ?? '';
    if (!requestUri.startsWith(PAR_REQUEST_URI_PREFIX)) throw AuthorizationError.page('invalid_request_uri', 'request_uri must come from the pushed authorization request endpoint');
    const pushed = await new PushedRequestRepository(this.dataSource.manager).consume(hashToken(requestUri.slice(PAR_REQUEST_URI_PREFIX.length)), client.clientId, this.clock());
    if (!pushed) throw AuthorizationError.page('invalid_request_uri', 'request_uri is unknown, expired or used');
    return pushed.request;
  }

  /** The browser's session when it is active and of the tenant; undefined otherwise. */
  async browserSessionOf(token: string | undefined, tenantId?: string): Promise<BrowserSession | undefined> {
    if (token === undefined || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const repository = new BrowserSessionRepository(this.dataSource.manager);
    const session = await repository.findActive(hashToken(token), this.clock());
    if (!session || (tenantId !== undefined && session.tenantId !== tenantId)) return undefined;
    // A session it started was revoked (admin, subject revocation, logout elsewhere, ...): the cookie
    // signs nobody in any more (ADR 15). Asked at every use, so no revocation is missed in between.
    const logins = await repository.loginsOf(session.id, MAX_CHECKED_LOGINS);
    if (await this.sessions.signInRevoked(session.tenantId, session.userId, session.createdAt, logins)) {
      await repository.end(session.id, this.clock());
      return undefined;
    }
    return session;
  }
}

/** The sessions of one browser sign-in checked at session-service (the internal API's bound). */
const MAX_CHECKED_LOGINS = 1000;

function errorPage(error: string, description: string): FlowStep {
  return { step: 'error-page', error, description };
}

function withinMaxAge(session: BrowserSession, maxAge: number | undefined, now: Date): boolean {
  return maxAge === undefined || now.getTime() - session.authTime.getTime() <= maxAge * 1000;
}
