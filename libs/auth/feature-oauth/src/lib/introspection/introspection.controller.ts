import { Body, Controller, Header, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentRequest, RequestMeta } from '@sigma/auth/feature-tokens';
import { bearerTokenOf } from '@sigma/shared/util-auth';
import type { Request } from 'express';
import { OAuthClientAuthenticator } from '../client-auth/client-authenticator.service';
import { tenantHintOf } from '../grants/token-endpoint.service';
import { formParamsOf, requiredParam } from '../http/form-params';
import { queryStringOf, requireFormBody } from '../http/oauth-request';
import { underEveryPrefix } from '../oauth-options';
import { OAuthErrors } from '../oauth-errors';
import { IntrospectionResponseDto } from './introspection.response.dto';
import { IntrospectionService } from './introspection.service';
import { IssuedTokenReader } from './issued-token-reader.service';
import { RevocationService } from './revocation.service';

/** Seed 003 introspects with a JSON body `{token}` and a bearer token at this path. */
const JSON_INTROSPECTION_PATH = '/api/oauth/introspect';

@ApiTags('OAuth 2.1')
@Controller()
export class IntrospectionController {
  constructor(
    private readonly authenticator: OAuthClientAuthenticator,
    private readonly introspection: IntrospectionService,
    private readonly revocation: RevocationService,
    private readonly tokens: IssuedTokenReader,
  ) {}

  @Post(underEveryPrefix('introspect'))
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({
    summary: 'Token introspection (RFC 7662)',
    description:
      'Form body `token` (and optional `token_type_hint`) with client authentication as at the token endpoint; under /api/oauth also seed 003\'s JSON ' +
      'body `{token}` with `Authorization: Bearer <access token>` (for example a client_credentials token). Tokens of the caller\'s tenant only. ' +
      'Expired, revoked, unknown or foreign tokens, and tokens whose session ended, answer `{active: false}`.',
  })
  @ApiOkResponse({ type: IntrospectionResponseDto })
  async introspect(@Req() req: Request, @Body() body: unknown, @Query('tenant_id') tenantId: unknown, @CurrentRequest() meta: RequestMeta): Promise<IntrospectionResponseDto> {
    if (req.is('application/json') && req.path === JSON_INTROSPECTION_PATH) {
      const bearer = bearerTokenOf(req);
      const live = bearer === undefined ? undefined : await this.tokens.liveAccessToken(bearer);
      if (!live) throw OAuthErrors.invalidToken('a valid bearer access token is required');
      meta.identify({ tenantId: live.caller.tenantId, clientId: live.caller.clientId });
      const token = (body as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token === '') throw OAuthErrors.invalidRequest('token must be a non-empty string');
      return this.introspection.introspect(token, undefined, live.caller.tenantId);
    }
    requireFormBody(req);
    const params = formParamsOf(body);
    const tenantHint = tenantHintOf(params['tenant_id'], queryStringOf(tenantId, 'tenant_id'));
    const { client } = await this.authenticator.authenticate({ authorization: req.headers.authorization, body: params }, tenantHint, 'introspect', req.path);
    meta.identify({ tenantId: client.tenantId, clientId: client.clientId });
    return this.introspection.introspect(requiredParam(params, 'token'), params['token_type_hint'], client.tenantId);
  }

  @Post(underEveryPrefix('revoke'))
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({
    summary: 'Token revocation (RFC 7009)',
    description:
      'Form body `token` (and optional `token_type_hint`) with client authentication. A refresh token ends its session (every token of the family; ' +
      'session.revoked is published); an access token is refused by introspection and userinfo until it expires. Unknown and foreign tokens answer 200 too.',
  })
  @ApiOkResponse({ description: 'Empty body' })
  async revoke(@Req() req: Request, @Body() body: unknown, @Query('tenant_id') tenantId: unknown, @CurrentRequest() meta: RequestMeta): Promise<void> {
    requireFormBody(req);
    const params = formParamsOf(body);
    const tenantHint = tenantHintOf(params['tenant_id'], queryStringOf(tenantId, 'tenant_id'));
    const { client } = await this.authenticator.authenticate({ authorization: req.headers.authorization, body: params }, tenantHint, 'revoke', req.path);
    meta.identify({ tenantId: client.tenantId, clientId: client.clientId });
    await this.revocation.revoke(requiredParam(params, 'token'), params['token_type_hint'], client);
  }
}
