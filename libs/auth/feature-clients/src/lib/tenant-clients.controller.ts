import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyTenant } from '@sigma/auth/data-access-clients';
import { registrationOfSnakeCase, snakeCaseFieldNames } from './client-options.request.dto';
import { ClientRegistry } from './client-registry.service';
import { CreateTenantClientRequest } from './create-tenant-client.request.dto';
import { ApiKeyTenantOf, TenantApiKey } from './tenant-api-key.guard';
import { tenantClientOf, TenantClientResponse } from './tenant-client.response.dto';

const FIELDS = snakeCaseFieldNames('name');
/** Seed 003's listing is a bare array; it is capped so one request stays bounded. */
export const TENANT_CLIENT_LIST_LIMIT = 1000;

/** Seed 003's OAuth client management under /api/clients, authenticated by a tenant API key. */
@ApiTags('OAuth Client Management')
@Controller('api/clients')
export class TenantClientsController {
  constructor(private readonly registry: ClientRegistry) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @TenantApiKey()
  @ApiOperation({
    summary: 'Create OAuth client',
    description:
      "Seed 003. Registers a client in the API key's tenant and answers {client_id, client_secret, name, redirect_uris, allowed_scopes, " +
      'created_at}; the secret is shown only in this answer (stored as a hash). 200, the only success code seed 003 lists. New clients are ' +
      'active, confidential (client_secret_basic), with grants authorization_code and refresh_token. The optional snake_case settings of ' +
      '/api/v1/applications are accepted too. 401 without a valid X-API-Key, 400 for unknown fields or rule violations (nothing stored), 503 while ' +
      'the key cannot be verified.',
  })
  async create(@ApiKeyTenantOf() tenant: ApiKeyTenant, @Body() body: CreateTenantClientRequest): Promise<TenantClientResponse> {
    const registered = await this.registry.register(tenant.tenantId, registrationOfSnakeCase(body.name, body, 'active'), FIELDS);
    return tenantClientOf(registered.client, registered.secret);
  }

  @Get()
  @TenantApiKey()
  @ApiOperation({
    summary: 'List OAuth clients',
    description: `Seed 003. The API key's tenant's clients as a bare array, oldest first, never with secrets (at most ${TENANT_CLIENT_LIST_LIMIT}).`,
  })
  async list(@ApiKeyTenantOf() tenant: ApiKeyTenant): Promise<TenantClientResponse[]> {
    const { clients } = await this.registry.list(tenant.tenantId, {}, { offset: 0, limit: TENANT_CLIENT_LIST_LIMIT }, { statistics: false });
    return clients.map(({ client }) => tenantClientOf(client));
  }
}
