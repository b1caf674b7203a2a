import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyTenantResponse, TenantResponse, VerifyApiKeyRequest } from '@sigma/shared/contracts-internal';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { ApiKeysService } from './api-keys.service';
import { TenantsService } from './tenants.service';
import { tenantResponseOf } from './users.presenters';

/**
 * auth-server's internal tenant API (contracts-internal DIRECTORY_INTERNAL_ROUTES): API-key
 * verification and tenant configuration. Under /internal/v1, which the gateway never routes.
 */
@ApiTags('internal: tenants')
@Controller('internal/v1')
export class InternalTenantsController {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly tenants: TenantsService,
  ) {}

  @Post('api-keys/verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify a tenant API key',
    description: "ApiKeyTenantResponse {key_id, tenant: {id, name, slug}}; 404 for a malformed, unknown or revoked key, or a key of a tenant that is not active. Records last_used_at.",
  })
  async verifyApiKey(@Body() body: VerifyApiKeyRequest): Promise<ApiKeyTenantResponse> {
    const key = await this.apiKeys.verify(body.api_key);
    if (!key) throw new DomainError(ErrorKind.NOT_FOUND, 'API key not found');
    return key;
  }

  @Get('tenants/:id')
  @ApiOperation({ summary: 'A tenant and its configuration', description: 'TenantResponse by id or slug (`default`); 404 when unknown.' })
  async tenant(@Param('id') idOrSlug: string): Promise<TenantResponse> {
    return tenantResponseOf(await this.tenants.findByIdOrSlug(idOrSlug));
  }
}
