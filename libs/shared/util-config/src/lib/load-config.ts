import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { isSecretSetting } from './secret';

export type SettingsClass = new () => object;
export type ConfigShape = Record<string, SettingsClass>;
export type LoadedConfig<S extends ConfigShape> = { readonly [K in keyof S]: InstanceType<S[K]> };
export type Environment = Readonly<Record<string, string | undefined>>;

/** Thrown at boot when a setting is missing or malformed; the message names every bad setting. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * Builds a typed configuration from environment variables. Each piece of the shape is a small
 * settings class whose property names are the variable names; property initialisers are defaults.
 * Empty strings count as unset. All pieces are validated before anything fails, so one start
 * reports every problem.
 */
export function loadConfig<S extends ConfigShape>(shape: S, env: Environment): LoadedConfig<S> {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') present[key] = value.trim();
  }
  const problems: string[] = [];
  const result: Record<string, object> = {};
  for (const [piece, settingsClass] of Object.entries(shape)) {
    const keys = Object.keys(new settingsClass());
    const relevant: Record<string, string> = {};
    for (const key of keys) if (key in present) relevant[key] = present[key];
    const settings = plainToInstance(settingsClass, relevant, {
      enableImplicitConversion: true,
      exposeDefaultValues: true,
    });
    for (const error of validateSync(settings, { forbidUnknownValues: true })) {
      problems.push(...describeProblem(settings, error, relevant));
    }
    result[piece] = settings;
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return result as LoadedConfig<S>;
}

function describeProblem(settings: object, error: ValidationError, raw: Record<string, string>): string[] {
  const key = error.property;
  const given = raw[key];
  const shown = given === undefined ? 'not set' : isSecretSetting(settings, key) ? 'value hidden' : `got "${given}"`;
  return Object.values(error.constraints ?? {}).map((message) => `${message.startsWith(key) ? message : `${key} ${message}`} (${shown})`);
}

/** The configuration as it may be logged: secret settings replaced by `****`. */
export function describeConfig<S extends ConfigShape>(config: LoadedConfig<S>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const settings of Object.values(config) as object[]) {
    for (const [key, value] of Object.entries(settings)) {
      if (value === undefined) continue;
      flat[key] = isSecretSetting(settings, key) ? '****' : value;
    }
  }
  return flat;
}
