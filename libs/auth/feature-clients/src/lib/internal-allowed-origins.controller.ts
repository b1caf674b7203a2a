import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowedOriginsResponse } from '@sigma/shared/contracts-internal';
import { ClientRegistry } from './client-registry.service';

/**
 * The gateway's CORS source (contracts-internal AUTH_INTERNAL_ROUTES.allowedOrigins). Served under
 * /internal/v1, which the gateway never routes and whose OpenAPI paths it never publishes.
 */
@ApiTags('internal: clients')
@Controller('internal/v1')
export class InternalAllowedOriginsController {
  constructor(private readonly registry: ClientRegistry) {}

  @Get('allowed-origins')
  @ApiOperation({ summary: 'Browser origins of every active application (allowed origins and redirect URI origins), for CORS at the gateway' })
  @ApiOkResponse({ schema: { type: 'object', properties: { origins: { type: 'array', items: { type: 'string' } } } } })
  async allowedOrigins(): Promise<AllowedOriginsResponse> {
    return { origins: await this.registry.allowedOrigins() };
  }
}
