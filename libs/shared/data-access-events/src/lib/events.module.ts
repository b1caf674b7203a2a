import { BeforeApplicationShutdown, DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { deadLetterTopicOf, EVENT_TYPES } from '@sigma/shared/contracts-events';
import type { EventSettings } from '@sigma/shared/util-config';
import { LOGGER } from '@sigma/shared/util-http';
import { HealthRegistry, ServiceMetrics } from '@sigma/shared/util-observability';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { EventConsumerHost } from './event-consumer';
import { EventTransport } from './event-transport';
import { OutboxPublisher } from './outbox-publisher';
import { OutboxRelay } from './outbox-relay';

export const EVENTS_OPTIONS = 'SIGMA_EVENTS_OPTIONS';

export interface EventsModuleOptions {
  /** The service name: consumer group, idempotency namespace. */
  service: string;
  /** The service's Postgres schema holding its outbox and processed-event tables. */
  schema: string;
  settings: EventSettings;
  transport: EventTransport;
}

/** Every topic of the catalogue and its dead-letter topic. */
export const ALL_TOPICS = EVENT_TYPES.flatMap((type) => [type, deadLetterTopicOf(type)]);

/**
 * Starts a service's event plumbing once every module has registered its handlers: topics,
 * consumers, then the outbox relay. On shutdown the relay stops before the transport closes.
 */
@Injectable()
export class EventsRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly publisher: OutboxPublisher;
  readonly consumers: EventConsumerHost;
  private readonly relay: OutboxRelay;

  constructor(
    @Inject(EVENTS_OPTIONS) private readonly options: EventsModuleOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    dataSource: DataSource,
    metrics: ServiceMetrics,
    health: HealthRegistry,
  ) {
    const { schema, settings, transport, service } = options;
    this.publisher = new OutboxPublisher(schema);
    this.consumers = new EventConsumerHost({
      consumer: service,
      dataSource,
      schema,
      transport,
      metrics,
      logger,
      maxAttempts: settings.EVENT_MAX_ATTEMPTS,
      backoffMs: settings.EVENT_RETRY_BACKOFF_MS,
    });
    this.relay = new OutboxRelay({
      dataSource,
      schema,
      transport,
      metrics,
      logger,
      pollIntervalMs: settings.OUTBOX_POLL_INTERVAL_MS,
      retentionHours: settings.OUTBOX_RETENTION_HOURS,
    });
    health.register({ name: 'events', check: () => transport.check() });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.options.transport.connect(ALL_TOPICS).catch((error: Error) => {
      this.logger.warn({ error: error.message }, 'event broker not reachable at start; events wait in the outbox');
    });
    await this.consumers.start();
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.options.transport.close();
  }
}

@Module({})
export class EventsModule {
  static forService(options: EventsModuleOptions): DynamicModule {
    return {
      module: EventsModule,
      global: true,
      providers: [
        { provide: EVENTS_OPTIONS, useValue: options },
        EventsRuntime,
        { provide: OutboxPublisher, useFactory: (runtime: EventsRuntime) => runtime.publisher, inject: [EventsRuntime] },
        { provide: EventConsumerHost, useFactory: (runtime: EventsRuntime) => runtime.consumers, inject: [EventsRuntime] },
      ],
      exports: [OutboxPublisher, EventConsumerHost],
    };
  }
}
