import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UsersRepository } from '@sigma/directory/data-access';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { IpAllowList, requestContextOf } from '@sigma/shared/util-http';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { ApiKeysService } from './api-keys.service';
import { TenantApiUsersQuery } from './users.request.dto';

const DEFAULT_LIMIT = 1000;

/** Seed 003's `GET /api/users`, authenticated by a tenant API key. */
@ApiTags('Tenant API: users')
@Controller('api/users')
export class TenantApiUsersController {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @ApiHeader({ name: 'X-API-Key', required: true, description: "The tenant's API key (POST /api/v1/tenants/{id}/api-keys)." })
  @ApiOperation({
    summary: 'List users',
    description:
      "Seed 003. The API key's tenant only: [{id, identifier (the username), created_at, last_login_at}], oldest first. The seed pages nothing; to keep " +
      'answers bounded this answers at most limit users (default and maximum 1000) from page (default 1), and the X-Total-Count header tells how many ' +
      'the tenant has. A missing, unknown or revoked key answers 401; a client address outside the tenant\'s ip_allow_list answers 403.',
  })
  async list(
    @Headers('x-api-key') apiKey: string | undefined,
    @Query() query: TenantApiUsersQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Array<{ id: string; identifier: string; created_at: string; last_login_at: string | null }>> {
    if (apiKey === undefined || apiKey === '') throw new DomainError(ErrorKind.AUTHENTICATION_REQUIRED, 'this endpoint needs the X-API-Key header');
    const key = await this.apiKeys.verify(apiKey.trim());
    if (!key) throw new DomainError(ErrorKind.INVALID_TOKEN, 'the API key is not valid', { oauthError: 'invalid_api_key' });
    const context = requestContextOf(res);
    if (context) Object.assign(context, { tenantId: key.tenant.id });
    if (!new IpAllowList(key.ip_allow_list ?? []).admits(req.ip)) {
      throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, "the client address is not in the tenant's IP allow-list", { oauthError: 'access_denied' });
    }
    const limit = query.limit ?? DEFAULT_LIMIT;
    const repository = new UsersRepository(this.dataSource.manager);
    const [users, total] = await Promise.all([repository.listIdentifiers(key.tenant.id, limit, ((query.page ?? 1) - 1) * limit), repository.countOf(key.tenant.id)]);
    res.setHeader('X-Total-Count', String(total));
    return users.map((user) => ({ id: user.id, identifier: user.identifier, created_at: user.createdAt.toISOString(), last_login_at: user.lastLoginAt?.toISOString() ?? null }));
  }
}
