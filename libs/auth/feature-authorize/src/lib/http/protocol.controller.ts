import { All, Controller, Header, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AUTH_OAUTH_OPTIONS,
  AuthOAuthOptions,
  DpopProofVerifier,
  dpopUrlsOf,
  formParamsOf,
  OAuthClientAuthenticator,
  OAuthErrors,
  queryStringOf,
  requireFormBody,
  requiresDpopNonce,
  scopesOf,
  tenantHintOf,
  withDpopNonce,
} from '@sigma/auth/feature-oauth';
import { CurrentRequest, RequestMeta } from '@sigma/auth/feature-tokens';
import type { Request, Response } from 'express';
import { AuthorizationFlowService } from '../authorization-flow.service';
import { OAUTH_PREFIXES } from '../authorize.options';
import { DeviceAuthorizationResponse, DeviceFlowService } from '../device-flow.service';
import { DEVICE_CODE_GRANT_TYPE } from '../grants/device-code.grant';
import { LogoutService } from '../logout.service';
import { logoutPage } from '../pages/pages';
import { ParService } from '../par.service';
import { authorizationParamsOf } from '../protocol/authorization-request';
import { AuthorizationError } from '../protocol/authorization-error';
import { BrowserCookies } from './browser-cookies';
import { brandingOf, FlowResponder } from './flow-responder';
import { sendPage, sendRedirect, styleNonce } from './page-response';

const routes = (endpoint: string): string[] => OAUTH_PREFIXES.map((prefix) => `${prefix}/${endpoint}`);

/** PAR (RFC 9126), device authorization (RFC 8628) and RP-initiated logout under every prefix. */
@ApiTags('OAuth 2.1 / OpenID Connect')
@Controller()
export class ProtocolController {
  constructor(
    private readonly authenticator: OAuthClientAuthenticator,
    private readonly dpop: DpopProofVerifier,
    private readonly par: ParService,
    private readonly devices: DeviceFlowService,
    private readonly logouts: LogoutService,
    private readonly flow: AuthorizationFlowService,
    private readonly responder: FlowResponder,
    @Inject(BrowserCookies) private readonly cookies: BrowserCookies,
    @Inject(AUTH_OAUTH_OPTIONS) private readonly oauthOptions: AuthOAuthOptions,
  ) {}

  @Post(routes('par'))
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({
    summary: 'Pushed authorization request (RFC 9126)',
    description:
      'The authorization request\'s parameters, with client authentication as at the token endpoint. Validated as the authorization endpoint would; ' +
      'answers 201 {request_uri, expires_in: 90}; the request_uri works once, with the same client_id, within 90 seconds. A DPoP header binds the code ' +
      'to its key (RFC 9449 §10.1); clients that must use DPoP nonces get use_dpop_nonce and a DPoP-Nonce header first. Errors per RFC 6749 §5.2 (JSON).',
  })
  async push(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query('tenant_id') tenantId: unknown): Promise<{ request_uri: string; expires_in: number }> {
    requireFormBody(req);
    const params = formParamsOf(req.body);
    const { client } = await this.authenticator.authenticate({ authorization: req.headers.authorization, body: params }, tenantHintOf(params['tenant_id'], queryStringOf(tenantId, 'tenant_id')), 'par', req.path);
    const proof = DpopProofVerifier.proofOf(req.headers['dpop']);
    const nonceRequired = requiresDpopNonce(client, this.oauthOptions);
    const jkt = proof === undefined ? undefined : (await withDpopNonce(res, () => this.dpop.verify(proof, { method: 'POST', urls: dpopUrlsOf(this.oauthOptions.publicUrl, req), nonceRequired }))).jkt;
    const pushed = await this.par.push(client, params, jkt);
    if (nonceRequired) res.setHeader('DPoP-Nonce', this.dpop.currentNonce());
    return pushed;
  }

  @Post(routes('device_authorization'))
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({
    summary: 'Device authorization (RFC 8628 §3.1)',
    description:
      'Form body with client authentication (public clients: client_id) and optional scope and tenant_id. Answers {device_code, user_code (like WDJB-MJHT), ' +
      'verification_uri (/device), verification_uri_complete, expires_in: 1800, interval: 5}. Poll the token endpoint with grant_type ' +
      'urn:ietf:params:oauth:grant-type:device_code.',
  })
  async deviceAuthorization(@Req() req: Request, @Query('tenant_id') tenantId: unknown, @CurrentRequest() meta: RequestMeta): Promise<DeviceAuthorizationResponse> {
    requireFormBody(req);
    const params = formParamsOf(req.body);
    const { client } = await this.authenticator.authenticate({ authorization: req.headers.authorization, body: params }, tenantHintOf(params['tenant_id'], queryStringOf(tenantId, 'tenant_id')), 'device_authorization', req.path);
    meta.identify({ tenantId: client.tenantId, clientId: client.clientId });
    if (!(client.allowedGrantTypes as string[]).includes(DEVICE_CODE_GRANT_TYPE)) throw OAuthErrors.unauthorizedClient('the client may not use the device authorization grant');
    const scopes = scopesOf(params['scope']) ?? client.allowedScopes;
    const unknown = scopes.filter((scope) => !client.allowedScopes.includes(scope));
    if (unknown.length > 0 || scopes.length === 0) throw OAuthErrors.invalidScope(`scope not allowed for this client: ${unknown.join(' ')}`);
    return this.devices.authorize(client, scopes.join(' '));
  }

  @All(routes('logout'))
  @ApiOperation({
    summary: 'RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0; end_session_endpoint)',
    description:
      'GET or POST with id_token_hint, post_logout_redirect_uri (registered for the client, exact match), state, client_id. Ends the browser session and ' +
      'the login sessions started from it, then redirects to post_logout_redirect_uri with state, or shows a signed-out page. Without a valid ' +
      'id_token_hint the user confirms on a page first. An unregistered post_logout_redirect_uri or a foreign id_token_hint is an error page (400).',
  })
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST');
      return this.responder.errorPage(res, 405, 'invalid_request', 'use GET or POST');
    }
    try {
      const params = authorizationParamsOf(req.method === 'GET' ? (req.query as Record<string, unknown>) : ((req.body ?? {}) as Record<string, unknown>));
      const plan = await this.logouts.plan(params);
      const confirmed = req.method === 'POST' && params['confirm'] === 'yes' && this.cookies.csrfValid(req, params['csrf_token']);
      const session = await this.flow.browserSessionOf(this.cookies.sessionToken(req));
      if (plan.confirm && !confirmed && session !== undefined) {
        const nonce = styleNonce();
        const carry = { post_logout_redirect_uri: params['post_logout_redirect_uri'], state: params['state'], client_id: params['client_id'] };
        return sendPage(res, 200, logoutPage({ branding: brandingOf(plan.client), styleNonce: nonce, csrfToken: this.cookies.csrfToken(req, res) }, { carry }), nonce, plan.redirectTo ? [plan.redirectTo] : []);
      }
      // A hint about another user than the browser's leaves the browser signed in (only the hint's session ends).
      const sameUser = session !== undefined && (plan.hint === undefined || (plan.hint.userId === session.userId && plan.hint.tenantId === session.tenantId));
      await this.logouts.logout(sameUser ? session : undefined, plan.hint);
      if (sameUser) this.cookies.clearSession(res);
      if (plan.redirectTo) return sendRedirect(res, plan.redirectTo, req.method === 'GET' ? 302 : 303);
      this.responder.message(res, 200, 'Signed out', 'You are signed out.', plan.client);
    } catch (error) {
      if (error instanceof AuthorizationError) return this.responder.errorPage(res, 400, error.error, error.description);
      throw error;
    }
  }
}
