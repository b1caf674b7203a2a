import { Body, Controller, Get, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, type Caller, CurrentCaller } from '@sigma/shared/util-auth';
import type { Response } from 'express';
import { PRESET_NAMES } from './provider-presets';
import { ListSsoProvidersRequest, PutSsoProviderRequest } from './sso-provider.request.dto';
import { ssoProviderResponseOf, SsoProviderResponse } from './sso-provider.response.dto';
import { SsoProvidersService } from './sso-providers.service';

/** Seed 002's SSO provider management under /api/admin/identity/sso-providers. */
@ApiTags('SSO Providers')
@Controller('api/admin/identity/sso-providers')
export class SsoProvidersController {
  constructor(private readonly providers: SsoProvidersService) {}

  @Get()
  @Authenticated('sso-providers:read')
  @ApiOperation({
    summary: 'Get configured SSO providers',
    description:
      "Seed 002. The caller's tenant's upstream providers by name, optionally only enabled=true|false ones, with their statistics (completed sign-ins). " +
      'Client secrets are never answered (config.clientSecretSet tells whether one is stored). Needs sso-providers:read.',
  })
  async list(@CurrentCaller() caller: Caller, @Query() query: ListSsoProvidersRequest): Promise<{ success: true; providers: SsoProviderResponse[]; total: number; message: string }> {
    const providers = await this.providers.list(caller.tenantId, query.enabled);
    return { success: true, providers: providers.map(ssoProviderResponseOf), total: providers.length, message: 'SSO providers retrieved successfully' };
  }

  @Put()
  @Authenticated('sso-providers:write')
  @ApiOperation({
    summary: 'Create (or replace) an SSO provider',
    description:
      "Seed 002. Creates a provider in the caller's tenant (201), or replaces the one with the same name (200; statistics stay, and a stored client " +
      `secret stays when none is given). The name's lower-case hyphenated form is its URL name. Presets (${PRESET_NAMES.join(', ')}) are chosen by name ` +
      'or `preset` and fill in type, endpoints, scopes, claim mapping, token endpoint authentication, icon and colour; endpoints given in config replace ' +
      "the preset's as a whole. Any OpenID Connect provider: type oidc with issuer (endpoints discovered unless authUrl, tokenUrl and jwksUri are given); " +
      'any OAuth 2.0 provider: type oauth2 with authUrl, tokenUrl and userInfoUrl (and config.claims naming the subject member). Endpoints must be https ' +
      '(http only on loopback). config.scope: string (space- or comma-separated) or array. metadata: allowSignup (default true), requireEmailVerified ' +
      '(preset default), autoLinkByEmail (default false: only with it is a new identity linked to the user with the same provider-verified email). ' +
      'The client secret is stored encrypted and never answered. 400 names every invalid field. Needs sso-providers:write.',
  })
  async put(
    @CurrentCaller() caller: Caller,
    @Body() body: PutSsoProviderRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ success: true; provider: SsoProviderResponse; message: string }> {
    const { provider, created } = await this.providers.put(caller.tenantId, body);
    response.status(created ? 201 : 200);
    return { success: true, provider: ssoProviderResponseOf(provider), message: created ? 'SSO provider created successfully' : 'SSO provider updated successfully' };
  }
}
