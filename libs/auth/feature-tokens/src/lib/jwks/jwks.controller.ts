import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SigningKeyService } from '../signing-keys/signing-key.service';
import { longestJwtLifetimeOf, TenantLookupService } from '../tenants/tenant-lookup.service';
import { CurrentRequest, RequestMeta } from '../http/request-meta';
import { JwksResponse } from './jwks.response.dto';

/** Verifiers refetch on an unknown kid; a shared cache may hold the set at most this long. */
const JWKS_CACHE_CONTROL = 'public, max-age=60, stale-if-error=86400';

@ApiTags('OpenID Connect discovery')
@Controller('.well-known')
export class JwksController {
  constructor(
    private readonly tenants: TenantLookupService,
    private readonly keys: SigningKeyService,
  ) {}

  @Get('jwks.json')
  @Header('Cache-Control', JWKS_CACHE_CONTROL)
  @ApiOperation({
    summary: "A tenant's token signing keys (JWKS)",
    description:
      'The public keys that verify the access and ID tokens of the tenant named by tenant_id (without it: the default tenant): the key that signs now ' +
      '(ES256 on P-256 by default, EdDSA on Ed25519 when configured; created at the tenant\'s first use) and retired keys until every token they signed ' +
      'has expired. kid is the RFC 7638 thumbprint. A tenant_id that is not a UUID is 400 invalid_request, an unknown tenant 404. Cacheable for 60 s.',
  })
  @ApiQuery({ name: 'tenant_id', required: false, description: 'Tenant id (UUID); the default tenant when absent.' })
  @ApiOkResponse({ type: JwksResponse })
  async jwks(@Query('tenant_id') tenantId: unknown, @CurrentRequest() request: RequestMeta): Promise<JwksResponse> {
    const tenant = await this.tenants.resolve(typeof tenantId === 'string' ? tenantId : tenantId === undefined ? undefined : '', { requestId: request.requestId });
    request.identify({ tenantId: tenant.id });
    const keys = await this.keys.publishedKeysOf({ id: tenant.id, longestJwtLifetimeSeconds: longestJwtLifetimeOf(tenant) });
    return { keys };
  }
}
