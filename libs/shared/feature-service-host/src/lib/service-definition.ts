import type { DynamicModule, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { RequestHandler } from 'express';
import type { ConfigShape, LoadedConfig } from '@sigma/shared/util-config';
import type { InMemoryEventBus } from '@sigma/shared/data-access-events';
import type { MixedList } from 'typeorm';

export type ServiceName = 'admin-gateway' | 'auth-server' | 'user-directory' | 'session-service' | 'privacy-worker';

/** What the host hands a service beyond its settings. */
export interface HostContext {
  /** The process-wide event bus of the embedded mode, for services that consume without a database (the gateway). */
  bus?: InMemoryEventBus;
}

/** What a service contributes to the host: its name, data, settings and root feature module. */
export interface ServiceDefinition<S extends ConfigShape = ConfigShape> {
  name: ServiceName;
  defaultPort: number;
  /** The service's own Postgres schema; absent for services that keep nothing durable. */
  schema?: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function>;
  /** Settings pieces beyond HTTP, database and events. */
  settings: S;
  /**
   * The public edge (the gateway) streams request bodies on without parsing them and serves no
   * internal routes; every other service parses bodies and publishes /internal/openapi.json.
   */
  edge: boolean;
  openApi: { title: string; description: string };
  rootModule(config: LoadedConfig<S>, host: HostContext): Type | DynamicModule;
  /**
   * Runs after the request-log middleware is installed and before the body parsers and Nest's
   * routes (auth-server's token endpoint, ADR 11). `bodyLimitBytes` is BODY_LIMIT in bytes;
   * `observer` is the request id, request log and metrics middleware every request passes.
   */
  beforeBodyParsers?(app: NestExpressApplication, http: { bodyLimitBytes: number; observer: RequestHandler }): void;
  /** Last touches on the application before it listens (the gateway's API explorer). */
  configure?(app: NestExpressApplication, openApi: OpenAPIObject): void;
}
