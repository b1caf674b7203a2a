import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SIGMA_IAM_VERSION } from './version';
import { ServiceDirectory, ServiceProbe } from './service-directory';
import { OpenApiAggregator } from './openapi-aggregator';

const started = Date.now();

const SEED_004_HEALTH = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['healthy', 'unhealthy'] },
    checks: { type: 'object', additionalProperties: { type: 'string', enum: ['up', 'down'] } },
  },
};

const SEED_002_HEALTH = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['healthy', 'unhealthy'] },
    timestamp: { type: 'string', format: 'date-time' },
    version: { type: 'string' },
    services: { type: 'object', additionalProperties: { type: 'string', enum: ['connected', 'disconnected'] } },
    uptime: { type: 'integer', description: 'Seconds since the gateway started' },
  },
};

/** The gateway's own public routes: aggregated health and the merged API description. */
@ApiTags('health')
@Controller()
export class GatewayController {
  constructor(
    private readonly directory: ServiceDirectory,
    private readonly openApi: OpenApiAggregator,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Health of every service behind the gateway (seed 004 shape)' })
  @ApiOkResponse({ schema: SEED_004_HEALTH })
  @ApiServiceUnavailableResponse({ description: 'At least one service is not ready', schema: SEED_004_HEALTH })
  async health(@Res({ passthrough: true }) res: Response): Promise<unknown> {
    const { probes, status } = await this.probe(res);
    return { status, checks: Object.fromEntries(probes.map((p) => [p.service, p.ready ? 'up' : 'down'])) };
  }

  @Get('api/health')
  @ApiOperation({ summary: 'System health with version and uptime (seed 002 shape)' })
  @ApiOkResponse({ schema: SEED_002_HEALTH })
  @ApiServiceUnavailableResponse({ description: 'At least one service is not ready', schema: SEED_002_HEALTH })
  async apiHealth(@Res({ passthrough: true }) res: Response): Promise<unknown> {
    const { probes, status } = await this.probe(res);
    return {
      status,
      timestamp: new Date().toISOString(),
      version: SIGMA_IAM_VERSION,
      services: Object.fromEntries(probes.map((p) => [p.service, p.ready ? 'connected' : 'disconnected'])),
      uptime: Math.floor((Date.now() - started) / 1000),
    };
  }

  /** Probes every service; the answer is 503 unless all are ready. */
  private async probe(res: Response): Promise<{ probes: ServiceProbe[]; status: 'healthy' | 'unhealthy' }> {
    const probes = await this.directory.probeAll();
    const healthy = probes.every((p) => p.ready);
    res.status(healthy ? 200 : 503).setHeader('Cache-Control', 'no-store');
    return { probes, status: healthy ? 'healthy' : 'unhealthy' };
  }

  @Get('api/v1/openapi.json')
  @ApiOperation({ summary: 'The OpenAPI document of the whole public API, merged from every service' })
  async document(): Promise<unknown> {
    return this.openApi.merged();
  }
}
