import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsInt, IsISO8601, IsObject, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateIf, validateSync, ValidationError } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { EVENT_CATALOGUE, EventType, isEventType, PayloadOf } from './catalogue';

/** The envelope every event travels in (ARCHITECTURE.md). */
export class EventEnvelope<T = unknown> {
  @IsUUID()
  id!: string;

  @IsString()
  @Matches(/^[a-z]+(\.[a-z_]+)+$/)
  type!: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  version!: number;

  @IsISO8601({ strict: true })
  occurred_at!: string;

  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  tenant_id!: string | null;

  /** Who the event is about (a user id for user and session events); also the partition key. */
  @IsString()
  @MaxLength(128)
  subject!: string;

  @IsObject()
  data!: T;
}

export type TypedEnvelope<T extends EventType> = EventEnvelope<PayloadOf<T>> & { type: T };

/** A message that can never be processed as it is; consumers dead-letter it at once. */
export class InvalidEventError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid event: ${problems.join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

function problemsOf(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((m) => `${prefix}${m}`),
    ...problemsOf(error.children ?? [], `${prefix}${error.property}.`),
  ]);
}

function validatePayload<T extends EventType>(type: T, data: unknown): PayloadOf<T> {
  const payloadClass = EVENT_CATALOGUE[type].payload;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InvalidEventError(['data must be an object']);
  const payload = plainToInstance(payloadClass as new () => object, data);
  const errors = validateSync(payload, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new InvalidEventError(problemsOf(errors, 'data.'));
  return payload as PayloadOf<T>;
}

/** Parses and validates a message off the wire: the envelope, then its payload against the catalogue. */
export function parseEnvelope(raw: string | Buffer): EventEnvelope {
  let plain: unknown;
  try {
    plain = JSON.parse(raw.toString());
  } catch {
    throw new InvalidEventError(['not JSON']);
  }
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) throw new InvalidEventError(['not an object']);
  const envelope = plainToInstance(EventEnvelope, plain);
  const errors = validateSync(envelope, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new InvalidEventError(problemsOf(errors));
  if (!isEventType(envelope.type)) throw new InvalidEventError([`unknown event type ${envelope.type}`]);
  const known = EVENT_CATALOGUE[envelope.type].version;
  if (envelope.version > known) throw new InvalidEventError([`version ${envelope.version} of ${envelope.type} is newer than ${known}`]);
  envelope.data = validatePayload(envelope.type, envelope.data);
  return envelope;
}

export interface NewEvent<T extends EventType> {
  type: T;
  tenantId: string | null;
  subject: string;
  data: PayloadOf<T>;
}

/** A new, validated envelope for an event about to be published. */
export function createEnvelope<T extends EventType>(event: NewEvent<T>): TypedEnvelope<T> {
  const data = validatePayload(event.type, event.data);
  const envelope = Object.assign(new EventEnvelope<PayloadOf<T>>(), {
    id: randomUUID(),
    type: event.type,
    version: EVENT_CATALOGUE[event.type].version,
    occurred_at: new Date().toISOString(),
    tenant_id: event.tenantId,
    subject: event.subject,
    data: { ...data },
  });
  const errors = validateSync(envelope);
  if (errors.length > 0) throw new InvalidEventError(problemsOf(errors));
  return envelope as TypedEnvelope<T>;
}
