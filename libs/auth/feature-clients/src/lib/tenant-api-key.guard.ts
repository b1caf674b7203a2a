import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiKeyTenant, DirectoryApiKeyClient } from '@sigma/auth/data-access-clients';
import { requestContextOf } from '@sigma/shared/util-http';
import type { Request, Response } from 'express';

const tenants = new WeakMap<Request, ApiKeyTenant>();

/**
 * Admits seed 003's tenant routes: the `X-API-Key` header must carry a tenant API key that
 * user-directory verifies (401 otherwise; 503 while the directory cannot answer). The key's
 * tenant is then the only tenant the request acts on.
 */
@Injectable()
export class TenantApiKeyGuard implements CanActivate {
  constructor(private readonly apiKeys: DirectoryApiKeyClient) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const header = req.headers['x-api-key'];
    const key = typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
    const tenant = await this.apiKeys.verify(key);
    tenants.set(req, tenant);
    const logContext = requestContextOf(http.getResponse<Response>());
    if (logContext) logContext.tenantId = tenant.tenantId;
    return true;
  }
}

/** The route needs a valid tenant API key in `X-API-Key`. */
export function TenantApiKey(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(TenantApiKeyGuard), ApiHeader({ name: 'X-API-Key', required: true, description: 'Tenant API key' }));
}

/** The tenant the request's API key belongs to (routes with @TenantApiKey only). */
export const ApiKeyTenantOf = createParamDecorator((_data: unknown, context: ExecutionContext): ApiKeyTenant => {
  const tenant = tenants.get(context.switchToHttp().getRequest<Request>());
  if (!tenant) throw new Error('ApiKeyTenantOf used on a route without @TenantApiKey');
  return tenant;
});
