import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthRegistry } from './health-registry';
import { ServiceMetrics } from './service-metrics';

/**
 * A service's own probes and metrics, for Kubernetes and Prometheus. Not routed by the gateway,
 * which publishes its own aggregated `/health`, `/api/health` and `/metrics`.
 */
@ApiExcludeController()
@Controller()
export class ObservabilityController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly metrics: ServiceMetrics,
  ) {}

  @Get('health/live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<unknown> {
    const readiness = await this.health.readiness();
    res.status(readiness.status === 'up' ? 200 : 503);
    return readiness;
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async prometheus(@Res() res: Response): Promise<void> {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
