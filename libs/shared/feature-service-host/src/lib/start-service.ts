import { DynamicModule, Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { createEventTransport, EVENT_MIGRATIONS, EventsModule, InMemoryEventBus } from '@sigma/shared/data-access-events';
import { databaseHealthIndicator, openServiceDatabase, PersistenceModule } from '@sigma/shared/data-access-persistence';
import { ConfigShape, DatabaseSettings, describeConfig, Environment, EventSettings, HttpSettings, loadConfig, LoadedConfig } from '@sigma/shared/util-config';
import { createLogger, createRequestObserver, createValidationPipe, FamilyExceptionFilter, Logger, LOGGER, NestPinoLogger, routeLabelOf } from '@sigma/shared/util-http';
import { HealthRegistry, ObservabilityModule, ServiceMetrics } from '@sigma/shared/util-observability';
import type { Express, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { ExpressPrototypesAdapter } from './express-prototypes.adapter';
import { ServiceDefinition } from './service-definition';

export interface HostOptions {
  env: Environment;
  /** The process-wide bus of the embedded mode (EVENT_TRANSPORT=memory). */
  bus?: InMemoryEventBus;
}

export interface RunningService {
  name: string;
  url: string;
  app: NestExpressApplication;
  logger: Logger;
  openApi: OpenAPIObject;
  close(): Promise<void>;
}

const BASE_SETTINGS = { http: HttpSettings };
const DATA_SETTINGS = { database: DatabaseSettings, events: EventSettings };

/** Settings every service has, plus database and events for services that keep data. */
export interface HostConfig {
  http: HttpSettings;
  database?: DatabaseSettings;
  events?: EventSettings;
}

type FullConfig<S extends ConfigShape> = HostConfig & LoadedConfig<S>;

/** Validates the service's settings; throws ConfigValidationError naming each bad one. */
export function loadServiceConfig<S extends ConfigShape>(definition: ServiceDefinition<S>, env: Environment): FullConfig<S> {
  const shape = { ...BASE_SETTINGS, ...(definition.schema ? DATA_SETTINGS : {}), ...definition.settings };
  return loadConfig(shape, { PORT: String(definition.defaultPort), ...env }) as unknown as FullConfig<S>;
}

@Global()
@Module({})
class LoggerModule {
  static with(logger: Logger): DynamicModule {
    return { module: LoggerModule, providers: [{ provide: LOGGER, useValue: logger }], exports: [LOGGER] };
  }
}

function routeLabel(req: Request): string {
  const labelled = req.res && routeLabelOf(req.res);
  if (labelled) return labelled;
  const route = (req as Request & { route?: { path?: string } }).route;
  return route?.path ? `${req.baseUrl}${route.path}` : 'unmatched';
}

/** A size as BODY_LIMIT writes it (`100kb`, `1mb`, `512b`; units of 1024) in bytes. */
function bytesOf(size: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(size);
  if (!match) throw new Error(`not a size: ${size}`);
  return Number(match[1]) * { b: 1, kb: 1024, mb: 1024 * 1024 }[match[2].toLowerCase() as 'b' | 'kb' | 'mb'];
}

/** Opens the service's database (running its migrations) when it has one. */
export async function openDatabaseOf<S extends ConfigShape>(definition: ServiceDefinition<S>, config: FullConfig<S>): Promise<{ dataSource: DataSource; applied: string[] } | undefined> {
  if (!definition.schema || !config.database) return undefined;
  return openServiceDatabase({
    url: config.database.DATABASE_URL,
    schema: definition.schema,
    poolSize: config.database.DATABASE_POOL_SIZE,
    applicationName: definition.name,
    entities: definition.entities ?? [],
    migrations: [...EVENT_MIGRATIONS, ...((definition.migrations as []) ?? [])],
  });
}

/**
 * Boots one service: settings, structured logger, database and migrations, events, then the Nest
 * application with the shared HTTP plumbing (request ids, request log, metrics, body limits,
 * validation, the route family's error bodies) and its OpenAPI document at /internal/openapi.json.
 */
export async function startService<S extends ConfigShape>(definition: ServiceDefinition<S>, options: HostOptions): Promise<RunningService> {
  const config = loadServiceConfig(definition, options.env);
  const logger = createLogger(definition.name, config.http.LOG_LEVEL);
  logger.info({ config: describeConfig(config) }, 'starting');

  const metrics = new ServiceMetrics(definition.name);
  const health = new HealthRegistry();
  const database = await openDatabaseOf(definition, config);
  if (database?.applied.length) logger.info({ migrations: database.applied }, 'applied migrations');

  const imports: Array<DynamicModule | ReturnType<ServiceDefinition<S>['rootModule']>> = [
    LoggerModule.with(logger),
    ObservabilityModule.forService(metrics, health),
  ];
  if (database && config.events && definition.schema) {
    health.register(databaseHealthIndicator(database.dataSource));
    imports.push(PersistenceModule.forDataSource(database.dataSource));
    imports.push(
      EventsModule.forService({
        service: definition.name,
        schema: definition.schema,
        settings: config.events,
        transport: createEventTransport(config.events, logger, options.bus),
      }),
    );
  }
  imports.push(definition.rootModule(config, { bus: options.bus }));

  @Module({ imports })
  class ServiceModule {}

  try {
    const app = await NestFactory.create<NestExpressApplication>(ServiceModule, new ExpressPrototypesAdapter(), {
      logger: new NestPinoLogger(logger),
      bodyParser: false,
      abortOnError: false,
    });
    app.disable('x-powered-by');
    app.set('trust proxy', 'loopback, linklocal, uniquelocal');
    const observer = createRequestObserver({ logger, routeLabel, onComplete: (sample) => metrics.observeRequest(sample) });
    app.use(observer);
    definition.beforeBodyParsers?.(app, { bodyLimitBytes: bytesOf(config.http.BODY_LIMIT), observer });
    if (!definition.edge) {
      app.useBodyParser('json', { limit: config.http.BODY_LIMIT });
      app.useBodyParser('urlencoded', { limit: config.http.BODY_LIMIT, extended: false });
    }
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new FamilyExceptionFilter(logger));

    const openApi = SwaggerModule.createDocument(
      app,
      new DocumentBuilder().setTitle(definition.openApi.title).setDescription(definition.openApi.description).setVersion(process.env['npm_package_version'] ?? '0.1.0').build(),
    );
    if (!definition.edge) {
      (app.getHttpAdapter().getInstance() as Express).get('/internal/openapi.json', (_req: Request, res: Response) => res.json(openApi));
    }

    definition.configure?.(app, openApi);
    if (config.http.HOST === undefined) await app.listen(config.http.PORT);
    else await app.listen(config.http.PORT, config.http.HOST);
    const host = config.http.HOST === undefined || config.http.HOST === '0.0.0.0' || config.http.HOST === '::' ? 'localhost' : config.http.HOST;
    const url = `http://${host}:${config.http.PORT}`;
    logger.info({ url }, 'listening');
    return {
      name: definition.name,
      url,
      app,
      logger,
      openApi,
      close: async () => {
        await app.close();
        await database?.dataSource.destroy();
      },
    };
  } catch (error) {
    await database?.dataSource.destroy();
    throw error;
  }
}
