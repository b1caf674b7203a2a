export { ConfigValidationError, describeConfig, loadConfig } from './lib/load-config';
export type { ConfigShape, Environment, LoadedConfig, SettingsClass } from './lib/load-config';
export { isSecretSetting, Secret } from './lib/secret';
export { DatabaseSettings, EVENT_TRANSPORTS, EventSettings, HttpSettings } from './lib/settings';
export type { EventTransportName } from './lib/settings';
