import { Transform } from 'class-transformer';
import { ArrayMinSize, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { Secret } from './secret';

/** Where and how a service listens for HTTP. */
export class HttpSettings {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3000;

  /** Interface to bind; unset listens on every interface, IPv4 and IPv6. */
  @IsOptional()
  @IsString()
  HOST?: string;

  /** Largest accepted request body, e.g. `100kb` or `1mb`. */
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 100kb or 1mb' })
  BODY_LIMIT: string = '100kb';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';
}

/** The service's PostgreSQL database. Each service keeps its tables in its own schema. */
export class DatabaseSettings {
  @Secret()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL: string = '';

  /** At least 2: migrations hold an advisory lock on one connection and run on another. */
  @IsInt()
  @Min(2)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;
}

export const EVENT_TRANSPORTS = ['kafka', 'memory'] as const;
export type EventTransportName = (typeof EVENT_TRANSPORTS)[number];

/** How the service publishes and consumes identity events. */
export class EventSettings {
  /** `kafka` for distributed deployments; `memory` only inside the embedded single-process mode. */
  @IsIn(EVENT_TRANSPORTS)
  EVENT_TRANSPORT: EventTransportName = 'kafka';

  /** Comma-separated `host:port` list. */
  @ValidateIf((s: EventSettings) => s.EVENT_TRANSPORT === 'kafka')
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((b) => b.trim()).filter(Boolean) : value))
  @ArrayMinSize(1, { message: 'is required when EVENT_TRANSPORT=kafka (comma-separated host:port list)' })
  @Matches(/^[^\s:]+:\d{1,5}$/, { each: true, message: 'each broker must be host:port' })
  KAFKA_BROKERS: string[] = [];

  @IsString()
  KAFKA_CLIENT_ID: string = 'sigma-iam';

  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_TOPIC_PARTITIONS: number = 3;

  @IsInt()
  @Min(1)
  @Max(10)
  KAFKA_REPLICATION_FACTOR: number = 1;

  /** How often the outbox relay looks for unsent events when nothing woke it. */
  @IsInt()
  @Min(10)
  @Max(60000)
  OUTBOX_POLL_INTERVAL_MS: number = 250;

  /** Sent outbox rows are deleted after this many hours. */
  @IsInt()
  @Min(1)
  OUTBOX_RETENTION_HOURS: number = 24;

  /** Attempts a consumer makes at one event before it goes to `<topic>.dlq`. */
  @IsInt()
  @Min(1)
  @Max(10)
  EVENT_MAX_ATTEMPTS: number = 5;

  /** First retry delay; each further attempt doubles it, up to 5 s per wait. */
  @IsInt()
  @Min(1)
  @Max(2000)
  EVENT_RETRY_BACKOFF_MS: number = 200;
}
