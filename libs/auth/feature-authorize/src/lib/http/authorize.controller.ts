import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OAUTH_PREFIXES } from '../authorize.options';
import type { Request, Response } from 'express';
import { AuthorizationFlowService } from '../authorization-flow.service';
import { authorizationParamsOf } from '../protocol/authorization-request';
import { AuthorizationError } from '../protocol/authorization-error';
import { BrowserCookies } from './browser-cookies';
import { FlowResponder } from './flow-responder';

/**
 * The authorization endpoint under /oauth, /oauth/v1 and /api/oauth (seeds 001, 000, 003), GET
 * (query) or POST (form, OIDC Core §3.1.2.1).
 */
@ApiTags('OAuth 2.1 / OpenID Connect')
@Controller()
export class AuthorizeController {
  constructor(
    private readonly flow: AuthorizationFlowService,
    private readonly responder: FlowResponder,
    @Inject(BrowserCookies) private readonly cookies: BrowserCookies,
  ) {}

  @All(OAUTH_PREFIXES.map((prefix) => `${prefix}/authorize`))
  @ApiOperation({
    summary: 'Authorization endpoint (RFC 6749 §4.1, RFC 7636, RFC 9126, RFC 9207)',
    description:
      'response_type=code with client_id, redirect_uri (exactly as registered), scope, state, nonce, PKCE (S256; plain only for clients that allow it; ' +
      'required for public clients), prompt, max_age, dpop_jkt, tenant_id, or request_uri from PAR (required for PAR and FAPI 2.0 clients). Signed-in ' +
      'browsers (session cookie) skip the login page; first-party clients and remembered consents skip the consent page. Answers 302 to the redirect ' +
      'URI with code, state and iss, or error, error_description, state and iss. An unknown client or unregistered redirect URI is never redirected: ' +
      'an HTML error page (400) says what is wrong. Implicit response types are refused (unsupported_response_type, RFC 9700).',
  })
  async authorize(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST');
      return this.responder.errorPage(res, 405, 'invalid_request', 'use GET or POST');
    }
    let params;
    try {
      params = authorizationParamsOf(req.method === 'GET' ? (req.query as Record<string, unknown>) : ((req.body ?? {}) as Record<string, unknown>));
    } catch (error) {
      if (error instanceof AuthorizationError) return this.responder.errorPage(res, 400, error.error, error.description);
      throw error;
    }
    await this.responder.respond(req, res, () => this.flow.authorize(params, this.cookies.sessionToken(req)));
  }
}
