import { DynamicModule, Module } from '@nestjs/common';
import { HealthRegistry } from './health-registry';
import { ObservabilityController } from './observability.controller';
import { ServiceMetrics } from './service-metrics';

@Module({})
export class ObservabilityModule {
  /** Health registry and metrics of one service, available to every module of it. */
  static forService(metrics: ServiceMetrics, health: HealthRegistry, options: { exposeEndpoints: boolean }): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: options.exposeEndpoints ? [ObservabilityController] : [],
      providers: [
        { provide: ServiceMetrics, useValue: metrics },
        { provide: HealthRegistry, useValue: health },
      ],
      exports: [ServiceMetrics, HealthRegistry],
    };
  }
}
