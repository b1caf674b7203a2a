import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { pageSizeOf, totalPagesOf } from '@sigma/directory/domain';
import { Authenticated, Caller, CurrentCaller } from '@sigma/shared/util-auth';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyRequest, CreateTenantRequest, UpdateTenantRequest } from './tenants.request.dto';
import { ApiKeyListItem, apiKeyListItemOf, PaginationV1, TenantV1, tenantV1Of } from './users.presenters';
import { PageQuery } from './users.request.dto';
import { TenantsService } from './tenants.service';

const CONFIGURATION =
  'The tenant carries seed 003\'s configuration: ip_allow_list (IP addresses or CIDR blocks), redirect_domains (host names, *.example.com for subdomains), ' +
  'rate_limit {requests_per_minute 1–1,000,000, burst 1–100,000 per second} (null: the gateway default) and token_lifetimes {access_token, refresh_token, id_token} in seconds.';
const KEY_MANAGERS = "tenants:write in the tenant (its super-admin), or a platform operator for any tenant; another tenant's id answers 403, an unknown one 404 (operators).";

/** Seed 004's tenants and seed 003's tenant API keys, under /api/v1/tenants. */
@ApiTags('Tenants')
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Post()
  @Authenticated('tenants:write')
  @ApiOperation({
    summary: 'Create a tenant',
    description:
      'Seed 004 (201). Platform operators only (holders of * in the default tenant): anyone else 403. {name, domain?, status? (active|inactive|suspended), ' +
      `slug? (derived from the name)}; a taken slug or domain answers 409. The tenant gets the system roles super-admin, admin and user. ${CONFIGURATION}`,
  })
  async create(@CurrentCaller() caller: Caller, @Body() body: CreateTenantRequest): Promise<TenantV1> {
    return tenantV1Of(await this.tenants.create(caller, body));
  }

  @Get()
  @Authenticated('tenants:read')
  @ApiOperation({
    summary: 'List tenants',
    description: 'Seed 004. Platform operators only. page, size or limit (1-100, default 20), oldest first; {data, pagination: {page, limit, size, total, total_pages}}.',
  })
  async list(@CurrentCaller() caller: Caller, @Query() query: PageQuery): Promise<{ data: TenantV1[]; pagination: PaginationV1 }> {
    const limit = pageSizeOf(query.size, query.limit);
    const page = query.page ?? 1;
    const result = await this.tenants.list(caller, page, limit);
    return { data: result.tenants.map(tenantV1Of), pagination: { page, limit, size: limit, total: result.total, total_pages: totalPagesOf(result.total, limit) } };
  }

  @Get(':tenant_id')
  @Authenticated('tenants:read')
  @ApiOperation({
    summary: 'Get tenant by ID',
    description: `Seed 004 (tenants:read). The caller's own tenant; a platform operator any tenant. Another tenant's id answers 403, a malformed or unknown one 404. ${CONFIGURATION}`,
  })
  async get(@CurrentCaller() caller: Caller, @Param('tenant_id') id: string): Promise<TenantV1> {
    return tenantV1Of(await this.tenants.get(caller, id));
  }

  @Patch(':tenant_id')
  @Authenticated('tenants:write')
  @ApiOperation({
    summary: "Change a tenant's name and configuration",
    description:
      'Not in the seeds: how a tenant admin sets the configuration seed 003 relies on. Only the fields sent change; rate_limit: null returns to the gateway default. ' +
      "tenants:write in the tenant (its super-admin) or a platform operator; domain and status only by platform operators (403). Another tenant's id answers 403, " +
      `a malformed or unknown one 404; a taken domain 409. ${CONFIGURATION}`,
  })
  async update(@CurrentCaller() caller: Caller, @Param('tenant_id') id: string, @Body() body: UpdateTenantRequest): Promise<TenantV1> {
    return tenantV1Of(await this.tenants.update(caller, id, body));
  }

  @Post(':tenant_id/api-keys')
  @Authenticated('tenants:write')
  @ApiOperation({
    summary: 'Create a tenant API key',
    description:
      `Seed 003's tenant API keys (201). {name?} → {id, api_key, name, prefix, created_at}: api_key (sk_<key id>_<256 random bits>) is shown only here; the ` +
      `directory keeps its SHA-256 hash. The key authenticates seed 003's X-API-Key routes for this tenant only. ${KEY_MANAGERS}`,
  })
  async createKey(
    @CurrentCaller() caller: Caller,
    @Param('tenant_id') id: string,
    @Body() body: CreateApiKeyRequest,
  ): Promise<{ id: string; api_key: string; name: string | null; prefix: string; created_at: string }> {
    const { record, apiKey } = await this.apiKeys.issue(caller, id, body.name);
    return { id: record.id, api_key: apiKey, name: record.name, prefix: record.prefix, created_at: record.createdAt.toISOString() };
  }

  @Get(':tenant_id/api-keys')
  @Authenticated('tenants:write')
  @ApiOperation({
    summary: "List a tenant's API keys",
    description: `Newest first, revoked ones included: {data: [{id, name, prefix, created_at, last_used_at, revoked_at}]}, never the key. ${KEY_MANAGERS}`,
  })
  async listKeys(@CurrentCaller() caller: Caller, @Param('tenant_id') id: string): Promise<{ data: ApiKeyListItem[] }> {
    return { data: (await this.apiKeys.list(caller, id)).map(apiKeyListItemOf) };
  }

  @Delete(':tenant_id/api-keys/:key_id')
  @HttpCode(204)
  @Authenticated('tenants:write')
  @ApiOperation({ summary: 'Revoke a tenant API key', description: `204; the key stops working at once. Revoking again is a 204 too; a key of another tenant answers 404. ${KEY_MANAGERS}` })
  async revokeKey(@CurrentCaller() caller: Caller, @Param('tenant_id') id: string, @Param('key_id') keyId: string): Promise<void> {
    await this.apiKeys.revoke(caller, id, keyId);
  }
}
