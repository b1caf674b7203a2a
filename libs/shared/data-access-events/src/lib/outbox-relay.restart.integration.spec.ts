import { createEnvelope } from '@sigma/shared/contracts-events';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { eventually, startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { ServiceMetrics } from '@sigma/shared/util-observability';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { EventConsumerHost } from './event-consumer';
import { CreateEventTables1763800000000 } from './event-tables.migration';
import { OutgoingMessage } from './event-transport';
import { InMemoryEventBus, InMemoryEventTransport } from './in-memory-event-bus';
import { OutboxPublisher } from './outbox-publisher';
import { OutboxRelay } from './outbox-relay';

jest.setTimeout(90000);

describe('outbox relay and consumers across PostgreSQL outages', () => {
  let postgres: TestPostgres;
  let db: DataSource;
  let relay: OutboxRelay;
  let bus: InMemoryEventBus;
  const delivered: OutgoingMessage[] = [];
  const deadLetters: string[] = [];

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = (await openServiceDatabase({ url: postgres.url, schema: 'producer', poolSize: 2, applicationName: 'producer', entities: [], migrations: [CreateEventTables1763800000000] })).dataSource;
    await db.query('CREATE TABLE producer.applied (user_id uuid PRIMARY KEY)');
    bus = new InMemoryEventBus();
    bus.subscribe('dlq-watcher', ['user.deleted.dlq'], async (message) => void deadLetters.push(message.value?.toString() ?? ''));
    // A consumer with a retry budget of a few milliseconds: an outage far longer than that must
    // neither lose the event nor dead-letter it.
    const consumer = new EventConsumerHost({
      consumer: 'outage-test',
      dataSource: db,
      schema: 'producer',
      transport: new InMemoryEventTransport(bus),
      metrics: new ServiceMetrics('consumer'),
      logger: pino({ level: 'silent' }),
      maxAttempts: 2,
      backoffMs: 5,
    });
    consumer.on('user.deleted', async (event, manager) => {
      await manager.query('INSERT INTO producer.applied (user_id) VALUES ($1)', [event.data.user_id]);
    });
    await consumer.start();
    bus.subscribe('watcher', ['user.created'], async (message) => {
      delivered.push({ topic: message.topic, key: message.key ?? '', value: message.value?.toString() ?? '', headers: message.headers });
    });
    // Polling once a minute: prompt delivery below can only come from the NOTIFY channel.
    relay = new OutboxRelay({
      dataSource: db,
      schema: 'producer',
      transport: new InMemoryEventTransport(bus),
      metrics: new ServiceMetrics('producer'),
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 60000,
      retentionHours: 24,
    });
    relay.start();
  });

  afterAll(async () => {
    bus.close();
    await relay.stop();
    await db.destroy();
    await postgres.stop();
  });

  async function publish(): Promise<string> {
    const userId = randomUUID();
    await eventually(async () => {
      await db.transaction((manager) => new OutboxPublisher('producer').publish(manager, { type: 'user.created', tenantId: null, subject: userId, data: { user_id: userId } }));
      return true;
    }, 20000, 250);
    return userId;
  }

  const deliveredFor = (userId: string) => eventually(async () => delivered.find((m) => m.key === userId), 10000, 50);

  it('wakes on commit before the restart, and again after it, losing nothing', async () => {
    const before = await publish();
    await deliveredFor(before);

    await postgres.restart();
    const after = await publish();
    expect((await deliveredFor(after)).topic).toBe('user.created');
    const [{ unsent }] = await db.query('SELECT count(*)::int AS unsent FROM producer.outbox_events WHERE sent_at IS NULL');
    expect(unsent).toBe(0);
  });

  it('delivers an event again until the database is back, instead of dead-lettering it', async () => {
    const userId = randomUUID();
    const envelope = createEnvelope({ type: 'user.deleted', tenantId: null, subject: userId, data: { user_id: userId } });
    await postgres.halt();
    const delivery = bus.publish([{ topic: 'user.deleted', key: userId, value: JSON.stringify(envelope), headers: {} }]);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await postgres.resume();
    await delivery;
    const applied = await db.query('SELECT user_id FROM producer.applied WHERE user_id = $1', [userId]);
    expect(applied).toHaveLength(1);
    expect(deadLetters.some((letter) => letter.includes(userId))).toBe(false);
  });
});

