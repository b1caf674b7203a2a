import { createEnvelope } from '@sigma/shared/contracts-events';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { eventually, startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
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

jest.setTimeout(60000);

const logger = pino({ level: 'silent' });

describe('outbox, relay and idempotent consumers on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let producerDb: DataSource;
  let consumerDb: DataSource;
  let bus: InMemoryEventBus;
  let relay: OutboxRelay;
  let consumer: EventConsumerHost;
  let consumerMetrics: ServiceMetrics;
  const deadLetters: OutgoingMessage[] = [];
  const flaky = new Map<string, number>();

  beforeAll(async () => {
    postgres = await startTestPostgres();
    const open = (schema: string) =>
      openServiceDatabase({ url: postgres.url, schema, poolSize: 4, applicationName: schema, entities: [], migrations: [CreateEventTables1763800000000] });
    producerDb = (await open('producer')).dataSource;
    consumerDb = (await open('consumer')).dataSource;
    await consumerDb.query('CREATE TABLE consumer.seen (user_id uuid NOT NULL, event_id uuid NOT NULL)');

    bus = new InMemoryEventBus();
    bus.subscribe('dlq-watcher', ['user.created.dlq', 'user.deleted.dlq'], async (message) => {
      deadLetters.push({ topic: message.topic, key: message.key ?? '', value: message.value?.toString() ?? '', headers: message.headers });
    });
    const producerMetrics = new ServiceMetrics('producer');
    relay = new OutboxRelay({
      dataSource: producerDb,
      schema: 'producer',
      transport: new InMemoryEventTransport(bus),
      metrics: producerMetrics,
      logger,
      pollIntervalMs: 50,
      retentionHours: 24,
    });
    consumerMetrics = new ServiceMetrics('consumer');
    consumer = new EventConsumerHost({
      consumer: 'consumer',
      dataSource: consumerDb,
      schema: 'consumer',
      transport: new InMemoryEventTransport(bus),
      metrics: consumerMetrics,
      logger,
      maxAttempts: 3,
      backoffMs: 10,
    });
    consumer.on('user.created', async (event, manager) => {
      await manager.query('INSERT INTO consumer.seen (user_id, event_id) VALUES ($1, $2)', [event.data.user_id, event.id]);
    });
    consumer.on('user.deleted', async (event) => {
      const failures = flaky.get(event.data.user_id);
      if (failures === undefined) throw new DomainError(ErrorKind.INTERNAL, 'always broken');
      if (failures > 0) {
        flaky.set(event.data.user_id, failures - 1);
        throw new Error('transient');
      }
    });
    await consumer.start();
    relay.start();
  });

  afterAll(async () => {
    await relay.stop();
    bus.close();
    await producerDb.destroy();
    await consumerDb.destroy();
    await postgres.stop();
  });

  const seenRows = (userId: string) => consumerDb.query('SELECT event_id FROM consumer.seen WHERE user_id = $1', [userId]);

  it('delivers an event committed with its state change, and nothing from a rolled-back one', async () => {
    const publisher = new OutboxPublisher('producer');
    const committed = randomUUID();
    const rolledBack = randomUUID();
    await producerDb.transaction((manager) => publisher.publish(manager, { type: 'user.created', tenantId: null, subject: committed, data: { user_id: committed } }));
    await expect(
      producerDb.transaction(async (manager) => {
        await publisher.publish(manager, { type: 'user.created', tenantId: null, subject: rolledBack, data: { user_id: rolledBack } });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');

    await eventually(async () => ((await seenRows(committed)).length === 1 ? true : undefined));
    expect(await seenRows(rolledBack)).toEqual([]);
    const [outbox] = await producerDb.query('SELECT count(*)::int AS unsent FROM producer.outbox_events WHERE sent_at IS NULL');
    expect(outbox.unsent).toBe(0);
  });

  it('refuses to publish outside a transaction', async () => {
    const userId = randomUUID();
    await expect(
      new OutboxPublisher('producer').publish(producerDb.manager, { type: 'user.created', tenantId: null, subject: userId, data: { user_id: userId } }),
    ).rejects.toThrow(/inside the transaction/);
  });

  it('applies an event delivered twice only once', async () => {
    const userId = randomUUID();
    const envelope = createEnvelope({ type: 'user.created', tenantId: null, subject: userId, data: { user_id: userId } });
    const message = { topic: 'user.created', key: userId, value: JSON.stringify(envelope), headers: {} };
    await bus.publish([message]);
    await bus.publish([message]);
    expect(await seenRows(userId)).toHaveLength(1);
    expect(await consumerMetrics.registry.getSingleMetricAsString('iam_events_consumed_total')).toMatch(/outcome="duplicate".* [1-9]/);
  });

  it('dead-letters a poison message with its reason and keeps consuming', async () => {
    await bus.publish([{ topic: 'user.created', key: 'x', value: '{"not":"an envelope"', headers: {} }]);
    const after = randomUUID();
    const envelope = createEnvelope({ type: 'user.created', tenantId: null, subject: after, data: { user_id: after } });
    await bus.publish([{ topic: 'user.created', key: after, value: JSON.stringify(envelope), headers: {} }]);

    const poison = deadLetters.find((m) => m.value === '{"not":"an envelope"');
    expect(poison?.topic).toBe('user.created.dlq');
    expect(poison?.headers['dlq-reason']).toContain('not JSON');
    expect(await seenRows(after)).toHaveLength(1);
  });

  it('retries a failing handler with backoff, and dead-letters it after the last attempt', async () => {
    const recovers = randomUUID();
    flaky.set(recovers, 2);
    const recovering = createEnvelope({ type: 'user.deleted', tenantId: null, subject: recovers, data: { user_id: recovers } });
    await bus.publish([{ topic: 'user.deleted', key: recovers, value: JSON.stringify(recovering), headers: {} }]);
    expect(flaky.get(recovers)).toBe(0);
    expect(deadLetters.some((m) => m.value.includes(recovers))).toBe(false);

    const broken = randomUUID();
    const failing = createEnvelope({ type: 'user.deleted', tenantId: null, subject: broken, data: { user_id: broken } });
    await bus.publish([{ topic: 'user.deleted', key: broken, value: JSON.stringify(failing), headers: {} }]);
    const letter = deadLetters.find((m) => m.value.includes(broken));
    expect(letter?.headers).toMatchObject({ 'dlq-attempts': '3', 'dlq-reason': 'always broken', 'dlq-consumer': 'consumer' });
    const [processed] = await consumerDb.query('SELECT count(*)::int AS n FROM consumer.processed_events WHERE event_id = $1', [failing.id]);
    expect(processed.n).toBe(0);
  });
});
