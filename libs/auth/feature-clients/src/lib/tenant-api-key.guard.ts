import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiHeader } from '@nestjs/swagger';
import { ApiKeyTenant, DirectoryApiKeyClient } from '@sigma/auth/data-access-clients';
import { bearerTokenOf } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { IpAllowList, requestContextOf } from '@sigma/shared/util-http';
import type { Request, Response } from 'express';

const tenants = new WeakMap<Request, ApiKeyTenant>();

/** Where a route takes the API key from: seed 003's `X-API-Key` header, or `Authorization: Bearer` (`/api/auth/validate`). */
export type ApiKeySource = 'x-api-key' | 'bearer';

const API_KEY_SOURCE = 'sigma:api-key-source';

function keyOf(req: Request, source: ApiKeySource): string | undefined {
  if (source === 'bearer') return bearerTokenOf(req);
  const header = req.headers['x-api-key'];
  return typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
}

/**
 * Admits seed 003's tenant routes: the request must carry a tenant API key that user-directory
 * verifies (401 otherwise; 503 while the directory cannot answer), from a client address in the
 * tenant's IP allow-list when it has one (403 otherwise). The key's tenant is then the only tenant
 * the request acts on. The client address is `req.ip`: the gateway's X-Forwarded-For (ADR 0020).
 */
@Injectable()
export class TenantApiKeyGuard implements CanActivate {
  constructor(
    private readonly apiKeys: DirectoryApiKeyClient,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const source = this.reflector.getAllAndOverride<ApiKeySource | undefined>(API_KEY_SOURCE, [context.getHandler(), context.getClass()]) ?? 'x-api-key';
    const tenant = await this.apiKeys.verify(keyOf(req, source));
    const logContext = requestContextOf(http.getResponse<Response>());
    if (logContext) logContext.tenantId = tenant.tenantId;
    if (!new IpAllowList(tenant.ipAllowList).admits(req.ip)) {
      throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, "the client address is not in the tenant's IP allow-list", { oauthError: 'access_denied' });
    }
    tenants.set(req, tenant);
    return true;
  }
}

/** The route needs a valid tenant API key (in `X-API-Key`, or as the bearer token) from an allowed address. */
export function TenantApiKey(source: ApiKeySource = 'x-api-key'): MethodDecorator & ClassDecorator {
  const documented = source === 'bearer' ? ApiBearerAuth() : ApiHeader({ name: 'X-API-Key', required: true, description: 'Tenant API key' });
  return applyDecorators(SetMetadata(API_KEY_SOURCE, source), UseGuards(TenantApiKeyGuard), documented);
}

/** The tenant the request's API key belongs to (routes with @TenantApiKey only). */
export const ApiKeyTenantOf = createParamDecorator((_data: unknown, context: ExecutionContext): ApiKeyTenant => {
  const tenant = tenants.get(context.switchToHttp().getRequest<Request>());
  if (!tenant) throw new Error('ApiKeyTenantOf used on a route without @TenantApiKey');
  return tenant;
});
