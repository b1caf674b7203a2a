import { Inject, Injectable } from '@nestjs/common';
import { BrowserSessionRepository } from '@sigma/auth/data-access-authorize';
import { ClientRecord, ClientRegistry } from '@sigma/auth/feature-clients';
import { CLOCK, Clock, keyedTenantOf, LoginSessionService, SigningKeyService, TenantLookupService } from '@sigma/auth/feature-tokens';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { isUuid, issuerOf } from '@sigma/shared/util-auth';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { DataSource } from 'typeorm';
import { AUTHORIZE_OPTIONS, AuthorizeOptions } from './authorize.options';
import { AuthorizationError } from './protocol/authorization-error';
import { authorizationResponseUrl } from './protocol/authorization-request';

/** A verified id_token_hint: who it is about and for which client and session. */
export interface IdTokenHint {
  tenantId: string;
  userId: string;
  clientId: string;
  sessionId?: string;
}

/** What RP-initiated logout decided. */
export interface LogoutPlan {
  /** Where the browser goes afterwards (with state), when the client asked for a registered URI. */
  redirectTo?: string;
  client?: ClientRecord;
  /** Without a valid id_token_hint the user confirms on a page first (logout CSRF). */
  confirm: boolean;
  hint?: IdTokenHint;
}

/**
 * OpenID Connect RP-Initiated Logout 1.0: id_token_hint (our own ID token, expired ones accepted),
 * post_logout_redirect_uri only when registered for the client (exact match), state echoed. Logging
 * out ends the browser session and every login session (sid) started from it.
 */
@Injectable()
export class LogoutService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clients: ClientRegistry,
    private readonly keys: SigningKeyService,
    private readonly tenants: TenantLookupService,
    private readonly sessions: LoginSessionService,
    @Inject(AUTHORIZE_OPTIONS) private readonly options: AuthorizeOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async plan(params: Readonly<Record<string, string | undefined>>): Promise<LogoutPlan> {
    const hint = params['id_token_hint'] === undefined ? undefined : await this.verifyHint(params['id_token_hint']);
    const clientId = params['client_id'] ?? hint?.clientId;
    if (hint && params['client_id'] !== undefined && params['client_id'] !== hint.clientId) throw AuthorizationError.page('invalid_request', 'client_id is not the audience of id_token_hint');
    const client = clientId === undefined ? undefined : await this.clients.findActiveByClientId(hint?.tenantId, clientId);
    const requested = params['post_logout_redirect_uri'];
    let redirectTo: string | undefined;
    if (requested !== undefined) {
      if (!client) throw AuthorizationError.page('invalid_request', 'post_logout_redirect_uri needs client_id or id_token_hint');
      if (!client.postLogoutRedirectUris.includes(requested)) throw AuthorizationError.page('invalid_request', 'post_logout_redirect_uri is not registered for this client');
      redirectTo = authorizationResponseUrl(requested, { state: params['state'] });
    }
    return { redirectTo, client, confirm: hint === undefined, hint };
  }

  /** Ends the browser session of the cookie (and the login sessions started from it) and the hint's session. */
  async logout(browser: { id: string; tenantId: string; userId: string } | undefined, hint: IdTokenHint | undefined): Promise<void> {
    if (browser !== undefined) {
      const sids = await new BrowserSessionRepository(this.dataSource.manager).end(browser.id, this.clock());
      for (const sid of sids ?? []) await this.sessions.endById(browser.tenantId, browser.userId, sid, 'logout');
    }
    if (hint?.sessionId !== undefined && isUuid(hint.sessionId)) await this.sessions.endById(hint.tenantId, hint.userId, hint.sessionId, 'logout');
  }

  private async verifyHint(token: string): Promise<IdTokenHint> {
    let tenantId: unknown;
    try {
      tenantId = decodeJwt(token)['tid'];
    } catch {
      throw AuthorizationError.page('invalid_request', 'id_token_hint is not a JWT');
    }
    if (typeof tenantId !== 'string' || !isUuid(tenantId)) throw AuthorizationError.page('invalid_request', 'id_token_hint is not one of our ID tokens');
    let tenant;
    try {
      tenant = await this.tenants.resolve(tenantId);
    } catch (error) {
      if (error instanceof DomainError && error.kind === ErrorKind.NOT_FOUND) throw AuthorizationError.page('invalid_request', 'id_token_hint is not one of our ID tokens');
      throw error;
    }
    const published = await this.keys.publishedKeysOf(keyedTenantOf(tenant));
    try {
      // Expired hints are fine (OIDC RP-Initiated Logout §2): the signature and issuer are what count.
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: published }), {
        issuer: issuerOf(this.options.publicUrl, tenantId),
        typ: 'JWT',
        algorithms: ['ES256', 'EdDSA'],
        currentDate: new Date(0),
      });
      const audience = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
      if (typeof payload.sub !== 'string' || typeof audience !== 'string') throw new Error('incomplete');
      return { tenantId, userId: payload.sub, clientId: audience, sessionId: typeof payload['sid'] === 'string' ? payload['sid'] : undefined };
    } catch {
      throw AuthorizationError.page('invalid_request', 'id_token_hint is not a valid ID token of this server');
    }
  }
}
