export { HealthRegistry } from './lib/health-registry';
export type { CheckState, HealthIndicator, Readiness } from './lib/health-registry';
export { ObservabilityModule } from './lib/observability.module';
export { ServiceMetrics } from './lib/service-metrics';
export type { ConsumeOutcome } from './lib/service-metrics';
