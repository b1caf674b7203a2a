import { Body, Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, Caller, CurrentCaller } from '@sigma/shared/util-auth';
import { ApplicationListResponse, ApplicationResponse, applicationResponseOf } from './application.response.dto';
import { registrationOfSnakeCase, snakeCaseFieldNames } from './client-options.request.dto';
import { ClientRegistry } from './client-registry.service';
import { CreateApplicationRequest, ListApplicationsRequest } from './create-application.request.dto';

const FIELDS = snakeCaseFieldNames('client_name');

/** Seed 000's OAuth2 client management under /api/v1/applications. */
@ApiTags('Applications')
@Controller('api/v1/applications')
export class ApplicationsController {
  constructor(private readonly registry: ClientRegistry) {}

  @Get()
  @Authenticated('applications:read')
  @ApiOperation({
    summary: 'List OAuth2 client applications',
    description:
      "Seed 000. The caller's tenant's applications, oldest first, as ApplicationResponse objects (never a secret), in the users list's " +
      'shape: {data, pagination: {page, limit, size, total, total_pages}}. page (default 1), size (default 20, at most 100; limit is accepted ' +
      'as a synonym). Needs applications:read.',
  })
  async list(@CurrentCaller() caller: Caller, @Query() query: ListApplicationsRequest): Promise<ApplicationListResponse> {
    const page = query.page ?? 1;
    const size = query.size ?? query.limit ?? 20;
    const { clients, total } = await this.registry.list(caller.tenantId, {}, { offset: (page - 1) * size, limit: size }, { statistics: false });
    return {
      data: clients.map(({ client }) => applicationResponseOf(client)),
      pagination: { page, limit: size, size, total, total_pages: Math.ceil(total / size) },
    };
  }

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Authenticated('applications:write')
  @ApiOperation({
    summary: 'Create new OAuth2 client application',
    description:
      "Seed 000. Registers a client in the caller's tenant and answers 201 ApplicationResponse with client_secret, shown only in this answer " +
      '(stored as a hash; null for public and private_key_jwt clients). New applications are active. Beyond the seed: slug, description, app_type, ' +
      'url, allowed_origins, post_logout_redirect_uris, token_lifetimes, token_endpoint_auth_method, jwks/jwks_uri, require_pkce, allow_plain_pkce, ' +
      'dpop_bound, dpop_nonce_required, require_par, fapi2, allow_implicit, first_party. Defaults: confidential, client_secret_basic, grants authorization_code and ' +
      'refresh_token, scopes openid profile email. 400 for unknown fields or rule violations (nothing is stored), 409 for a slug used in the tenant. ' +
      'Needs applications:write.',
  })
  async create(@CurrentCaller() caller: Caller, @Body() body: CreateApplicationRequest): Promise<ApplicationResponse> {
    const registered = await this.registry.register(caller.tenantId, registrationOfSnakeCase(body.client_name, body, 'active'), FIELDS);
    return applicationResponseOf(registered.client, registered.secret);
  }
}
