export { HourlyPurge } from './lib/hourly-purge';
export { runEmbedded } from './lib/run-embedded';
export { runStandalone, stopOnSignals } from './lib/run-standalone';
export type { HostContext, ServiceDefinition, ServiceName } from './lib/service-definition';
export { loadServiceConfig, startService } from './lib/start-service';
export type { HostOptions, RunningService } from './lib/start-service';
