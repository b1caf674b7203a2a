import { Body, Controller, Header, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentRequest, RequestMeta } from '@sigma/auth/feature-tokens';
import type { Request, Response } from 'express';
import { DpopProofVerifier } from '../dpop/dpop-proof.verifier';
import { dpopUrlsOf } from '../dpop/dpop-target';
import { formParamsOf } from '../http/form-params';
import { queryStringOf, requireFormBody, withDpopNonce } from '../http/oauth-request';
import { AUTH_OAUTH_OPTIONS, AuthOAuthOptions, underEveryPrefix } from '../oauth-options';
import { OAuthTokenResponseDto } from './token.response.dto';
import { TokenEndpointService } from './token-endpoint.service';

@ApiTags('OAuth 2.1')
@Controller()
export class TokenController {
  constructor(
    private readonly endpoint: TokenEndpointService,
    @Inject(AUTH_OAUTH_OPTIONS) private readonly options: AuthOAuthOptions,
  ) {}

  // tokenFastPath (token-fast-path.ts) calls this method ahead of Nest for most requests and sets
  // the same status and headers: keep the two in step (ADR 11).
  @Post(underEveryPrefix('token'))
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({
    summary: 'Token endpoint (RFC 6749 §3.2)',
    description:
      'Form body. Client authentication: client_secret_basic, client_secret_post, private_key_jwt (RFC 7523; ES*/PS*/RS*/EdDSA, jti single use) or ' +
      'none for public clients. Grants: client_credentials, refresh_token (rotation; reuse revokes the session) and the grants other modules register. ' +
      'A DPoP header (RFC 9449) binds the tokens to its key (token_type DPoP). tenant_id (query or form) must be the client\'s tenant. Errors per RFC 6749 §5.2.',
  })
  @ApiOkResponse({ type: OAuthTokenResponseDto })
  async token(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Body() body: unknown,
    @Query('tenant_id') tenantId: unknown,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<OAuthTokenResponseDto> {
    requireFormBody(req);
    const dpop = DpopProofVerifier.proofOf(req.headers['dpop']);
    const result = await withDpopNonce(res, () =>
      this.endpoint.exchange({
        params: formParamsOf(body),
        queryTenantId: queryStringOf(tenantId, 'tenant_id'),
        authorization: req.headers.authorization,
        dpop,
        path: req.path,
        // Only a proof's htu is checked against them; most token requests carry none.
        dpopUrls: dpop === undefined ? [] : dpopUrlsOf(this.options.publicUrl, req),
        meta,
      }),
    );
    if (result.dpopNonce !== undefined) res.setHeader('DPoP-Nonce', result.dpopNonce);
    return result.tokens;
  }
}
