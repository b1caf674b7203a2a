import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentRequest, RequestMeta, TenantLookupService } from '@sigma/auth/feature-tokens';
import { issuerOf } from '@sigma/shared/util-auth';
import { queryStringOf } from '../http/oauth-request';
import { AUTH_OAUTH_OPTIONS, AuthOAuthOptions } from '../oauth-options';
import { DiscoveryMetadataRegistry } from './discovery-metadata.registry';

const DISCOVERY_CACHE_CONTROL = 'public, max-age=300';

/**
 * OpenID Connect Discovery and RFC 8414 metadata, per tenant: at the seed's
 * `/.well-known/openid-configuration?tenant_id=` (default tenant without it), at the location
 * derived from the issuer (`<issuer>/.well-known/openid-configuration`, OIDC Discovery §4) and at
 * RFC 8414 §3's `/.well-known/oauth-authorization-server/<issuer path>`.
 */
@ApiTags('OpenID Connect discovery')
@Controller()
export class DiscoveryController {
  constructor(
    private readonly tenants: TenantLookupService,
    private readonly metadata: DiscoveryMetadataRegistry,
    @Inject(AUTH_OAUTH_OPTIONS) private readonly options: AuthOAuthOptions,
  ) {}

  @Get('.well-known/openid-configuration')
  @Header('Cache-Control', DISCOVERY_CACHE_CONTROL)
  @ApiOperation({ summary: "A tenant's OpenID Provider metadata", description: 'tenant_id (UUID) names the tenant; without it the default tenant. Unknown tenant 404, malformed 400.' })
  @ApiQuery({ name: 'tenant_id', required: false })
  @ApiOkResponse({ description: 'OpenID Connect Discovery 1.0 / RFC 8414 metadata' })
  byQuery(@Query('tenant_id') tenantId: unknown, @CurrentRequest() meta: RequestMeta): Promise<Record<string, unknown>> {
    return this.documentOf(queryStringOf(tenantId, 'tenant_id'), meta);
  }

  @Get('oauth/tenants/:tenantId/.well-known/openid-configuration')
  @Header('Cache-Control', DISCOVERY_CACHE_CONTROL)
  @ApiOperation({ summary: "A tenant's OpenID Provider metadata at the issuer's own location (OIDC Discovery §4)" })
  byIssuerPath(@Param('tenantId') tenantId: string, @CurrentRequest() meta: RequestMeta): Promise<Record<string, unknown>> {
    return this.documentOf(tenantId, meta);
  }

  @Get('.well-known/oauth-authorization-server/oauth/tenants/:tenantId')
  @Header('Cache-Control', DISCOVERY_CACHE_CONTROL)
  @ApiOperation({ summary: "A tenant's authorization server metadata (RFC 8414 §3)" })
  byRfc8414Path(@Param('tenantId') tenantId: string, @CurrentRequest() meta: RequestMeta): Promise<Record<string, unknown>> {
    return this.documentOf(tenantId, meta);
  }

  private async documentOf(tenantId: string | undefined, meta: RequestMeta): Promise<Record<string, unknown>> {
    const tenant = await this.tenants.resolve(tenantId, { requestId: meta.requestId });
    meta.identify({ tenantId: tenant.id });
    return this.metadata.metadataOf({ issuer: issuerOf(this.options.publicUrl, tenant.id), tenantId: tenant.id, publicUrl: this.options.publicUrl.replace(/\/+$/, '') });
  }
}
