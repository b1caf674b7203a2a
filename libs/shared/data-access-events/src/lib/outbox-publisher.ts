import { createEnvelope, EventType, NewEvent, TypedEnvelope } from '@sigma/shared/contracts-events';
import { EntityManager } from 'typeorm';

/** Postgres channel the relay listens on; NOTIFY is delivered only when the transaction commits. */
export function outboxChannelOf(schema: string): string {
  return `sigma_outbox_${schema}`;
}

/**
 * Publishes events the only safe way: as rows of the outbox, inside the caller's transaction, so
 * an event exists exactly when the state change it reports was committed.
 */
export class OutboxPublisher {
  constructor(private readonly schema: string) {}

  async publish<T extends EventType>(manager: EntityManager, event: NewEvent<T>): Promise<TypedEnvelope<T>> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('events are published inside the transaction of the change they report');
    }
    const envelope = createEnvelope(event);
    await manager.query(`INSERT INTO "${this.schema}".outbox_events (id, topic, key, envelope) VALUES ($1, $2, $3, $4)`, [
      envelope.id,
      envelope.type,
      envelope.subject,
      JSON.stringify(envelope),
    ]);
    await manager.query('SELECT pg_notify($1, $2)', [outboxChannelOf(this.schema), envelope.type]);
    return envelope;
  }
}
