import { Body, Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, Caller, CurrentCaller } from '@sigma/shared/util-auth';
import { ClientRegistry } from './client-registry.service';
import {
  CAMEL_CASE_FIELD_NAMES,
  ListRegisteredApplicationsRequest,
  RegisterApplicationRequest,
  registrationOfAdminRequest,
} from './register-application.request.dto';
import { registeredApplicationOf, RegisteredApplicationResponse } from './registered-application.response.dto';

/** Seed 002's application registry under /api/admin/identity/applications. */
@ApiTags('Application Registry')
@Controller('api/admin/identity/applications')
export class AdminApplicationsController {
  constructor(private readonly registry: ClientRegistry) {}

  @Get()
  @Authenticated('applications:read')
  @ApiOperation({
    summary: 'Get registered applications',
    description:
      "Seed 002. The caller's tenant's applications, oldest first, filtered by status (active, inactive, pending) and type (web, mobile, desktop). " +
      'Statistics are real counts from the sign-in ledger: totalUsers = distinct users who ever signed in at the application, activeUsers = ' +
      'distinct users who signed in within the last 30 days, totalLogins = completed sign-ins, lastLogin = the latest. Beyond the seed: optional ' +
      'page and limit (default the first 100; total counts every match). Needs applications:read.',
  })
  async list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListRegisteredApplicationsRequest,
  ): Promise<{ success: true; applications: RegisteredApplicationResponse[]; total: number; message: string }> {
    const limit = query.limit ?? 100;
    const { clients, total } = await this.registry.list(caller.tenantId, { status: query.status, appType: query.type }, { offset: ((query.page ?? 1) - 1) * limit, limit });
    return {
      success: true,
      applications: clients.map(({ client, statistics }) => registeredApplicationOf(client, statistics)),
      total,
      message: 'Applications retrieved successfully',
    };
  }

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Authenticated('applications:write')
  @ApiOperation({
    summary: 'Register a new application',
    description:
      "Seed 002. Registers an application in the caller's tenant; 201 with clientId and clientSecret, the secret shown only in this answer " +
      '(null for public clients: mobile and desktop applications are public unless clientType says confidential). New applications are pending, ' +
      'as the seed shows, unless the optional status says otherwise; only active applications can obtain tokens. Beyond the seed (camelCase): ' +
      'status, clientType, grantTypes, scopes, postLogoutRedirectUris, tokenLifetimes, tokenEndpointAuthMethod, jwks/jwksUri, requirePkce, ' +
      'allowPlainPkce, dpopBound, dpopNonceRequired, requirePar, fapi2, allowImplicit, firstParty. 400 for unknown fields or rule violations (nothing is stored), ' +
      '409 for a slug used in the tenant. Needs applications:write.',
  })
  async register(
    @CurrentCaller() caller: Caller,
    @Body() body: RegisterApplicationRequest,
  ): Promise<{ success: true; application: RegisteredApplicationResponse; message: string }> {
    const registered = await this.registry.register(caller.tenantId, registrationOfAdminRequest(body), CAMEL_CASE_FIELD_NAMES);
    return { success: true, application: registeredApplicationOf(registered.client, registered.statistics, registered.secret), message: 'Application registered successfully' };
  }
}
