import { DynamicModule, Module } from '@nestjs/common';
import { HealthRegistry } from './health-registry';
import { ObservabilityController } from './observability.controller';
import { ServiceMetrics } from './service-metrics';

@Module({})
export class ObservabilityModule {
  /** Health registry and metrics of one service, available to every module of it, and its probe endpoints. */
  static forService(metrics: ServiceMetrics, health: HealthRegistry): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [ObservabilityController],
      providers: [
        { provide: ServiceMetrics, useValue: metrics },
        { provide: HealthRegistry, useValue: health },
      ],
      exports: [ServiceMetrics, HealthRegistry],
    };
  }
}
