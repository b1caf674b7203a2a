import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ClientRecord } from '@sigma/auth/data-access-clients';
import { type SsoLoginState, SsoLoginRepository, type SsoProviderRecord } from '@sigma/auth/data-access-federation';
import { AuthorizationFlowService, FlowResponder } from '@sigma/auth/feature-authorize';
import { clientAuthenticationOf, ClientRegistry } from '@sigma/auth/feature-clients';
import { CurrentRequest, LoginResponse, type RequestMeta, TenantLookupService } from '@sigma/auth/feature-tokens';
import { issuerOf } from '@sigma/shared/util-auth';
import { constantTimeEqual, hashToken, randomToken } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import type { Request, Response } from 'express';
import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import { FEDERATION_OPTIONS, type FederationOptions, LOGIN_CODE_TTL_SECONDS, LOGIN_STATE_TTL_SECONDS } from '../federation.options';
import { type FinishedSignIn, FederatedSignInService } from './federated-sign-in.service';
import { RedeemSocialCodeRequest, StartSocialLoginRequest } from './social-login.request.dto';

function invalid(field: string, message: string): DomainError {
  return new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field, message }] });
}

/** Binds a login-page sign-in's callback to the browser that started it (the hash of its state). */
const BROWSER_BINDING_COOKIE = 'sigma_social_binding';

/** RFC 6749 §4.1.2.1 codes an upstream refusal is passed on as (anything else becomes access_denied). */
const PASSED_ON_ERRORS = new Set(['access_denied', 'temporarily_unavailable', 'server_error', 'login_required', 'consent_required', 'interaction_required']);

/** What an application's redirect URI receives when the sign-in failed after its redirect URI was validated. */
function authorizationErrorOf(error: DomainError): string {
  if (error.kind === ErrorKind.BAD_GATEWAY || error.kind === ErrorKind.UNAVAILABLE || error.kind === ErrorKind.TIMEOUT) return 'temporarily_unavailable';
  return 'access_denied';
}

/**
 * Seed 000's social login: a browser is sent to the provider, comes back to the suite's callback,
 * and is sent on to the application's redirect URI with a one-time code (60 s, single use, bound
 * to the application, its redirect URI and its PKCE challenge), which the application redeems at
 * POST /api/v1/auth/social/token for the login answer of /api/v1/auth/login.
 */
@ApiTags('Authentication')
@Controller('api/v1/auth/social')
export class SocialLoginController {
  constructor(
    private readonly signIns: FederatedSignInService,
    private readonly clients: ClientRegistry,
    private readonly tenants: TenantLookupService,
    private readonly dataSource: DataSource,
    private readonly authorizations: AuthorizationFlowService,
    private readonly responder: FlowResponder,
    @Inject(FEDERATION_OPTIONS) private readonly options: FederationOptions,
  ) {}

  @Get(':provider')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Initiate social authentication',
    description:
      "Seed 000. 302 to the provider's authorization endpoint (state, PKCE S256 and, for OpenID Connect providers, a nonce; 10 minutes, single use), " +
      'with the suite\'s callback /api/v1/auth/social/{provider}/callback as redirect_uri (register it at the provider). redirect_uri must be registered ' +
      'exactly by the application: client_id names it, else the only active application of the tenant (tenant_id, else the default tenant) that ' +
      'registered it. After the provider, the browser goes to redirect_uri with code (one-time, 60 s), state (yours, unchanged) and iss, or with ' +
      'error=access_denied|temporarily_unavailable. Public applications must send code_challenge (S256). Instead of redirect_uri, login_challenge (the ' +
      "login page's buttons) finishes that pending OAuth authorization, in the browser that started it (a cookie binds the two). 400 for an unknown " +
      'provider, a redirect_uri not registered or an unknown login_challenge.',
  })
  async start(@Param('provider') providerKey: string, @Query() query: StartSocialLoginRequest, @CurrentRequest() request: RequestMeta, @Res() response: Response): Promise<void> {
    if (query.login_challenge !== undefined) return this.startFromLoginPage(providerKey, query.login_challenge, request, response);
    const client = await this.clientOf(query);
    if (client.tokenEndpointAuthMethod === 'none' && query.code_challenge === undefined) throw invalid('code_challenge', 'is required for public applications (PKCE, S256)');
    if (query.code_challenge_method !== undefined && query.code_challenge === undefined) throw invalid('code_challenge', 'is required with code_challenge_method');
    const tenant = await this.tenants.resolve(client.tenantId, { requestId: request.requestId });
    request.identify({ tenantId: tenant.id, clientId: client.clientId });
    const started = await this.signIns.start({
      tenant,
      providerKey,
      providerField: 'provider',
      client,
      flow: 'redirect',
      redirectUri: this.callbackOf(providerKey),
      appRedirectUri: query.redirect_uri,
      appState: query.state,
      appCodeChallenge: query.code_challenge,
    });
    response.redirect(302, started.authUrl.href);
  }

  @Get(':provider/callback')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Return from the social provider',
    description:
      "The provider's redirect target. Redeems the code of the pending sign-in its state names (400 when unknown, expired or used: nothing to redirect to), " +
      "then sends the browser to the application's redirect_uri with a one-time code and the application's state, or with an error; for the login " +
      "page's buttons, it finishes the pending OAuth authorization (consent, then the client's redirect URI).",
  })
  async callback(@Param('provider') providerKey: string, @Req() req: Request, @CurrentRequest() request: RequestMeta, @Res() response: Response): Promise<void> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(req.query)) {
      if (typeof value !== 'string') throw invalid(name, 'must be given once');
      query.set(name, value);
    }
    const state = query.get('state') ?? '';
    const pending = await this.signIns.takeState(state, ['redirect', 'authorize'], 'state');
    const callbackUrl = new URL(pending.redirectUri);
    callbackUrl.search = query.toString();
    if (pending.flow === 'authorize') return this.finishLoginPage(providerKey, pending, state, callbackUrl, query.get('error'), req, request, response);
    const appRedirectUri = pending.appRedirectUri ?? '';
    const toApplication = (parameters: Record<string, string>): void => {
      const target = new URL(appRedirectUri);
      for (const [name, value] of Object.entries({ ...parameters, ...(pending.appState === null ? {} : { state: pending.appState }), iss: issuerOf(this.options.publicUrl, pending.tenantId) })) {
        target.searchParams.set(name, value);
      }
      response.redirect(302, target.href);
    };
    const upstreamError = query.get('error');
    if (upstreamError !== null) {
      toApplication({ error: PASSED_ON_ERRORS.has(upstreamError) ? upstreamError : 'access_denied', error_description: 'the provider did not complete the sign-in' });
      return;
    }
    try {
      const { provider, finished } = await this.finishUpstream(providerKey, pending, state, callbackUrl, request);
      const code = randomToken();
      const now = new Date();
      await new SsoLoginRepository(this.dataSource.manager).saveCode({
        codeHash: hashToken(code),
        tenantId: pending.tenantId,
        clientId: pending.clientId,
        redirectUri: appRedirectUri,
        userId: finished.claims.user_id,
        providerKey: provider.key,
        codeChallenge: pending.appCodeChallenge,
        amr: finished.identity.amr,
        createdAt: now,
        expiresAt: new Date(now.getTime() + LOGIN_CODE_TTL_SECONDS * 1000),
      });
      toApplication({ code });
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind === ErrorKind.INTERNAL) throw error;
      toApplication({ error: authorizationErrorOf(error), error_description: error.message });
    }
  }

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({
    summary: 'Redeem the one-time code of a social sign-in',
    description:
      'Beyond seed 000 (which leaves the end of its social flow open): code (single use, 60 s) with the redirect_uri it was sent to, the application ' +
      'authenticated as registered (HTTP Basic or client_id + client_secret; public applications: client_id and code_verifier), and code_verifier when ' +
      'a code_challenge was sent. Answers like POST /api/v1/auth/login: tokens (scope openid profile email) and the user. 400 for an unknown, expired or ' +
      'used code or one of another application or redirect_uri; 401 when the client does not authenticate.',
  })
  @ApiOkResponse({ type: LoginResponse })
  async redeem(@Body() body: RedeemSocialCodeRequest, @Req() req: Request, @CurrentRequest() request: RequestMeta): Promise<LoginResponse> {
    if (body.grant_type !== undefined && body.grant_type !== 'authorization_code') throw invalid('grant_type', 'must be authorization_code');
    const presented = clientAuthenticationOf({ authorization: req.headers.authorization, body: { client_id: body.client_id, client_secret: body.client_secret } });
    const code = await new SsoLoginRepository(this.dataSource.manager).takeCode(hashToken(body.code), new Date());
    if (!code) throw invalid('code', 'is unknown, expired or already used');
    const client = await this.clients.authenticate(code.tenantId, presented);
    if (client.clientId !== code.clientId) throw invalid('code', 'was issued to another application');
    if (body.redirect_uri !== code.redirectUri) throw invalid('redirect_uri', 'is not the redirect URI the code was sent to');
    if (code.codeChallenge !== null) {
      if (body.code_verifier === undefined) throw invalid('code_verifier', 'is required: the sign-in was started with a code_challenge');
      if (!constantTimeEqual(await oidc.calculatePKCECodeChallenge(body.code_verifier), code.codeChallenge)) throw invalid('code_verifier', 'does not match the code_challenge');
    }
    const context = { requestId: request.requestId };
    const { user } = await this.options.directory.userClaims(code.userId, code.tenantId, context);
    if (!user.is_active) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the account is disabled');
    request.identify({ tenantId: code.tenantId, userId: user.user_id, clientId: client.clientId });
    const provider = await this.signIns.enabledProvider(code.tenantId, code.providerKey, 'code');
    return this.signIns.complete({ claims: user, providerId: provider.id, clientId: client.clientId, amr: code.amr }, context);
  }

  /** A login page button: the pending authorization names tenant and client; a cookie binds the callback to this browser. */
  private async startFromLoginPage(providerKey: string, loginChallenge: string, request: RequestMeta, response: Response): Promise<void> {
    const view = await this.authorizations.pendingOf(loginChallenge);
    if (!view) throw invalid('login_challenge', 'is unknown, used or expired');
    const tenant = await this.tenants.resolve(view.pending.tenantId, { requestId: request.requestId });
    request.identify({ tenantId: tenant.id, clientId: view.client.clientId });
    const started = await this.signIns.start({ tenant, providerKey, providerField: 'provider', client: view.client, flow: 'authorize', redirectUri: this.callbackOf(providerKey), loginChallenge });
    response.cookie(BROWSER_BINDING_COOKIE, hashToken(started.state), {
      httpOnly: true,
      secure: this.options.publicUrl.startsWith('https:'),
      sameSite: 'lax',
      path: '/api/v1/auth/social',
      maxAge: LOGIN_STATE_TTL_SECONDS * 1000,
    });
    response.redirect(302, started.authUrl.href);
  }

  /** The login page's sign-in came back: finish the pending authorization as the signed-in user (or show why not). */
  private async finishLoginPage(
    providerKey: string,
    pending: SsoLoginState,
    state: string,
    callbackUrl: URL,
    upstreamError: string | null,
    req: Request,
    request: RequestMeta,
    response: Response,
  ): Promise<void> {
    const loginChallenge = this.signIns.loginChallengeOf(pending) ?? '';
    const binding = (req.headers.cookie ?? '').split(';').map((part) => part.trim()).find((part) => part.startsWith(`${BROWSER_BINDING_COOKIE}=`));
    response.clearCookie(BROWSER_BINDING_COOKIE, { path: '/api/v1/auth/social' });
    if (binding === undefined || !constantTimeEqual(binding.slice(BROWSER_BINDING_COOKIE.length + 1), pending.stateHash)) {
      return this.responder.message(response, 400, 'Sign-in refused', 'This sign-in was started in another browser. Start again from the application.');
    }
    if (upstreamError !== null) return this.responder.message(response, 401, 'Sign-in cancelled', 'The provider did not complete the sign-in. Go back to the application and try again.');
    try {
      const { finished } = await this.finishUpstream(providerKey, pending, state, callbackUrl, request);
      const result = await this.authorizations.signInWithMethod(loginChallenge, finished.claims, finished.identity.amr);
      this.responder.finishSignIn(req, response, result);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind === ErrorKind.INTERNAL) throw error;
      this.responder.message(response, error.kind === ErrorKind.BAD_GATEWAY ? 502 : 401, 'Sign-in failed', `The sign-in did not succeed: ${error.message}. Go back to the application and try again.`);
    }
  }

  private async finishUpstream(providerKey: string, pending: SsoLoginState, state: string, callbackUrl: URL, request: RequestMeta): Promise<{ provider: SsoProviderRecord; finished: FinishedSignIn }> {
    const provider = await this.signIns.enabledProvider(pending.tenantId, providerKey, 'provider');
    if (provider.id !== pending.providerId) throw invalid('provider', 'is not the provider the sign-in was started with');
    const finished = await this.signIns.finish(pending, callbackUrl, state, { requestId: request.requestId });
    request.identify({ tenantId: pending.tenantId, userId: finished.claims.user_id, clientId: pending.clientId });
    return { provider, finished };
  }

  private callbackOf(providerKey: string): string {
    return `${this.options.publicUrl.replace(/\/+$/, '')}/api/v1/auth/social/${encodeURIComponent(providerKey)}/callback`;
  }

  /** The application a start names: by client_id, else by the redirect URI it registered in the tenant. */
  private async clientOf(query: StartSocialLoginRequest): Promise<ClientRecord> {
    if (query.redirect_uri === undefined) throw invalid('redirect_uri', 'is required (or login_challenge)');
    if (query.client_id !== undefined) {
      const client = await this.clients.findActiveByClientId(query.tenant_id, query.client_id);
      if (!client) throw invalid('client_id', 'names no active application');
      if (!client.redirectUris.includes(query.redirect_uri)) throw invalid('redirect_uri', "is not one of the application's registered redirect URIs");
      return client;
    }
    const tenant = await this.tenants.resolve(query.tenant_id);
    const candidates = await this.clients.findActiveByRedirectUri(tenant.id, query.redirect_uri);
    if (candidates.length === 0) throw invalid('redirect_uri', 'is not registered by any active application of the tenant');
    if (candidates.length > 1) throw invalid('client_id', 'is required: more than one application registered redirect_uri');
    return candidates[0];
  }
}
