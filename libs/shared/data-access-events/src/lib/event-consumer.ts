import { deadLetterTopicOf, EventType, InvalidEventError, parseEnvelope, TypedEnvelope } from '@sigma/shared/contracts-events';
import { ErrorKind, isDomainError } from '@sigma/shared/util-errors';
import type { ServiceMetrics } from '@sigma/shared/util-observability';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { EventTransport, IncomingMessage } from './event-transport';

export type EventHandler<T extends EventType> = (envelope: TypedEnvelope<T>, manager: EntityManager) => Promise<void>;

export interface EventConsumerOptions {
  /** Consumer group and idempotency namespace, e.g. `privacy-worker`. */
  consumer: string;
  dataSource: DataSource;
  schema: string;
  transport: EventTransport;
  metrics: ServiceMetrics;
  logger: Logger;
  maxAttempts: number;
  backoffMs: number;
}

/** Errors that will fail the same way however often they are retried. */
const PERMANENT_KINDS = new Set<ErrorKind>([ErrorKind.VALIDATION, ErrorKind.CONFLICT, ErrorKind.INSUFFICIENT_PERMISSIONS]);

/** Longest single retry delay, kept well under the Kafka session timeout (heartbeats are sent between). */
const MAX_RETRY_DELAY_MS = 5000;

/** PostgreSQL SQLSTATEs of an unavailable or overloaded database, and of retryable conflicts. */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);
const TRANSIENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * The database (or the network to it) is away: the event is fine and will apply once it is back,
 * so it must be delivered again rather than dead-lettered, however long that takes.
 */
export function isInfrastructureFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, driverError, message } = error as { code?: unknown; driverError?: unknown; message?: unknown };
  if (typeof code === 'string' && (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08') || TRANSIENT_NETWORK_CODES.has(code))) return true;
  if (driverError !== undefined && driverError !== error && isInfrastructureFailure(driverError)) return true;
  return typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Connection refused/i.test(message);
}

/**
 * Runs a service's event handlers at least once and applies each event at most once: the
 * processed-event id is inserted in the same transaction as the handler's effect, so a redelivery
 * finds it and skips. A failing handler is retried with exponential backoff; a message that can
 * never succeed (malformed, or still failing after the last attempt) goes to `<topic>.dlq` with
 * the reason in its headers, and the partition moves on.
 */
export class EventConsumerHost {
  private readonly handlers = new Map<string, EventHandler<EventType>>();

  constructor(private readonly options: EventConsumerOptions) {}

  on<T extends EventType>(type: T, handler: EventHandler<T>): void {
    if (this.handlers.has(type)) throw new Error(`${this.options.consumer} already handles ${type}`);
    this.handlers.set(type, handler as unknown as EventHandler<EventType>);
  }

  get topics(): string[] {
    return [...this.handlers.keys()];
  }

  async start(): Promise<void> {
    if (this.handlers.size === 0) return;
    await this.options.transport.consume(`sigma-iam.${this.options.consumer}`, this.topics, (message) => this.process(message));
  }

  /** Handles one delivery; resolves when applied, skipped or dead-lettered. */
  async process(message: IncomingMessage): Promise<void> {
    const { metrics, logger } = this.options;
    let envelope;
    try {
      envelope = parseEnvelope(message.value ?? Buffer.alloc(0));
      if (envelope.type !== message.topic) throw new InvalidEventError([`type ${envelope.type} arrived on topic ${message.topic}`]);
    } catch (error) {
      await this.deadLetter(message, error, 0);
      return;
    }
    const handler = this.handlers.get(envelope.type);
    if (!handler) return;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const applied = await this.applyOnce(envelope as TypedEnvelope<EventType>, handler);
        metrics.eventsConsumed.inc({ topic: message.topic, outcome: applied ? 'applied' : 'duplicate' });
        return;
      } catch (error) {
        if (isInfrastructureFailure(error)) {
          // Not acknowledged: the transport delivers it again (Kafka from the committed offset).
          logger.warn({ event_id: envelope.id, topic: message.topic, error: (error as Error).message }, 'database unavailable; event will be delivered again');
          await message.heartbeat?.();
          throw error;
        }
        const permanent = isDomainError(error) && PERMANENT_KINDS.has(error.kind);
        if (permanent || attempt >= this.options.maxAttempts) {
          await this.deadLetter(message, error, attempt);
          return;
        }
        metrics.eventsConsumed.inc({ topic: message.topic, outcome: 'retried' });
        logger.warn({ event_id: envelope.id, topic: message.topic, attempt, error: (error as Error).message }, 'event handler failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_DELAY_MS, this.options.backoffMs * 2 ** (attempt - 1))));
        await message.heartbeat?.();
      }
    }
  }

  private async applyOnce(envelope: TypedEnvelope<EventType>, handler: EventHandler<EventType>): Promise<boolean> {
    return this.options.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO "${this.options.schema}".processed_events (consumer, event_id, topic) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.options.consumer, envelope.id, envelope.type],
      );
      if (inserted.length === 0) return false;
      await handler(envelope, manager);
      return true;
    });
  }

  private async deadLetter(message: IncomingMessage, error: unknown, attempts: number): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    await this.options.transport.send([
      {
        topic: deadLetterTopicOf(message.topic),
        key: message.key ?? '',
        value: message.value?.toString() ?? '',
        headers: {
          ...message.headers,
          'dlq-reason': reason.slice(0, 1000),
          'dlq-original-topic': message.topic,
          'dlq-consumer': this.options.consumer,
          'dlq-attempts': String(attempts),
        },
      },
    ]);
    this.options.metrics.eventsConsumed.inc({ topic: message.topic, outcome: 'dead_lettered' });
    this.options.logger.error({ topic: message.topic, attempts, reason: reason.slice(0, 200) }, 'event dead-lettered');
  }
}
