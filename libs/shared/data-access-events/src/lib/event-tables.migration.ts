import { MigrationInterface, QueryRunner } from 'typeorm';

function schemaOf(runner: QueryRunner): string {
  const schema = runner.connection.options.type === 'postgres' ? runner.connection.options.schema : undefined;
  if (!schema) throw new Error('event tables need a service schema');
  return schema;
}

/** The outbox and processed-event tables, created in the schema of whichever service runs it. */
export class CreateEventTables1763800000000 implements MigrationInterface {
  name = 'CreateEventTables1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      CREATE TABLE "${schema}".outbox_events (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL,
        topic text NOT NULL,
        key text NOT NULL,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await runner.query(`CREATE INDEX outbox_events_unsent ON "${schema}".outbox_events (seq) WHERE sent_at IS NULL`);
    await runner.query(`CREATE INDEX outbox_events_sent_at ON "${schema}".outbox_events (sent_at) WHERE sent_at IS NOT NULL`);
    await runner.query(`
      CREATE TABLE "${schema}".processed_events (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        topic text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`DROP TABLE "${schema}".processed_events`);
    await runner.query(`DROP TABLE "${schema}".outbox_events`);
  }
}
