import 'reflect-metadata';
import { DIRECTORY_MIGRATIONS } from '@sigma/directory/data-access';
import { createEnvelope, EventType, NewEvent } from '@sigma/shared/contracts-events';
import { decryptSlice, EVENT_MIGRATIONS, EventConsumerHost, EXPORT_KEY_ALGORITHM, InMemoryEventBus, InMemoryEventTransport, OutboxPublisher } from '@sigma/shared/data-access-events';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { ServiceMetrics } from '@sigma/shared/util-observability';
import { exportJWK, generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { DirectoryPrivacyConsumer } from './directory-privacy.consumer';

jest.setTimeout(60000);

describe("the directory's export slice and erasure on real PostgreSQL", () => {
  let postgres: TestPostgres;
  let db: DataSource;
  let consumers: EventConsumerHost;
  const tenantId = randomUUID();

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = (
      await openServiceDatabase({ url: postgres.url, schema: 'directory', poolSize: 4, applicationName: 'directory-privacy-test', entities: [], migrations: [...EVENT_MIGRATIONS, ...DIRECTORY_MIGRATIONS] })
    ).dataSource;
    await db.query(`INSERT INTO directory.tenants (id, name, slug) VALUES ($1, 'Privacy', $2)`, [tenantId, `privacy-${tenantId.slice(0, 8)}`]);
    consumers = new EventConsumerHost({
      consumer: 'user-directory',
      dataSource: db,
      schema: 'directory',
      transport: new InMemoryEventTransport(new InMemoryEventBus()),
      metrics: new ServiceMetrics('user-directory'),
      logger: pino({ level: 'silent' }),
      maxAttempts: 2,
      backoffMs: 10,
    });
    new DirectoryPrivacyConsumer(consumers, new OutboxPublisher('directory')).onModuleInit();
  });

  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
  });

  async function user(): Promise<string> {
    const id = randomUUID();
    await db.query(`INSERT INTO directory.users (id, tenant_id, email, username, first_name) VALUES ($1, $2, $3, $3, 'Jane')`, [id, tenantId, `${id}@example.test`]);
    await db.query(`INSERT INTO directory.password_credentials (user_id, hash) VALUES ($1, '$2b$12$secret-hash-value')`, [id]);
    await db.query(`INSERT INTO directory.totp_credentials (user_id, secret_sealed) VALUES ($1, 'v1.sealed.totp.secret')`, [id]);
    await db.query(`INSERT INTO directory.recovery_codes (id, user_id, code_hash) VALUES ($1, $2, 'recovery-hash'), ($3, $2, 'recovery-hash-2')`, [randomUUID(), id, randomUUID()]);
    const roleId = randomUUID();
    await db.query(`INSERT INTO directory.roles (id, tenant_id, name, slug, permissions) VALUES ($1, $2, $3, $3, '{users:read}')`, [roleId, tenantId, `role-${roleId.slice(0, 8)}`]);
    await db.query('INSERT INTO directory.user_roles (user_id, role_id) VALUES ($1, $2)', [id, roleId]);
    return id;
  }

  async function deliver<T extends EventType>(event: NewEvent<T>, id?: string): Promise<string> {
    const envelope = { ...createEnvelope(event), ...(id ? { id } : {}) };
    await consumers.process({ topic: event.type, key: event.subject, value: Buffer.from(JSON.stringify(envelope)), headers: {} });
    return envelope.id;
  }

  const outbox = (topic: string, userId: string): Promise<Array<{ envelope: { data: Record<string, unknown> } }>> =>
    db.query('SELECT envelope FROM directory.outbox_events WHERE topic = $1 AND key = $2 ORDER BY seq', [topic, userId]);

  it('answers export.requested with the profile, credential metadata and roles, never a secret', async () => {
    const userId = await user();
    const { publicKey, privateKey } = await generateKeyPair(EXPORT_KEY_ALGORITHM, { crv: 'X25519', extractable: true });
    const jobId = randomUUID();
    await deliver({
      type: 'export.requested',
      tenantId,
      subject: userId,
      data: { job_id: jobId, user_id: userId, services: ['user-directory'], recipient_key: JSON.stringify(await exportJWK(publicKey)) },
    });
    const parts = await outbox('export.part', userId);
    expect(parts.map((p) => p.envelope.data['service'])).toEqual(['user-directory']);
    const slice = await decryptSlice(String(parts[0].envelope.data['ciphertext']), await exportJWK(privateKey));
    expect(slice['profile']).toEqual([expect.objectContaining({ id: userId, email: `${userId}@example.test`, first_name: 'Jane' })]);
    expect(slice['credentials'].map((c) => c['type'])).toEqual(['password', 'totp', 'recovery_codes']);
    expect(slice['credentials'][2]['detail']).toBe('2 of 2 unused');
    expect(slice['roles']).toEqual([expect.objectContaining({ permissions: ['users:read'] })]);
    expect(slice['groups']).toEqual([]);
    expect(slice['linked_identities']).toEqual([]);
    expect(JSON.stringify(slice)).not.toMatch(/secret|recovery-hash|sealed/);

    // A user of another tenant is not exported under this one: an empty profile.
    const foreign = { type: 'export.requested' as const, tenantId: randomUUID(), subject: userId, data: { job_id: randomUUID(), user_id: userId, services: ['user-directory' as const], recipient_key: JSON.stringify(await exportJWK(publicKey)) } };
    await deliver(foreign);
    const last = (await outbox('export.part', userId)).at(-1);
    expect(await decryptSlice(String(last?.envelope.data['ciphertext']), await exportJWK(privateKey))).toEqual({ profile: [] });
  });

  it('deletes the user on erasure.requested, announcing user.deleted with the request and acknowledging, once', async () => {
    const userId = await user();
    const requestId = randomUUID();
    const request = { type: 'erasure.requested' as const, tenantId, subject: userId, data: { request_id: requestId, user_id: userId } };
    const id = await deliver(request);
    expect(await db.query('SELECT id FROM directory.users WHERE id = $1', [userId])).toEqual([]);
    expect(await db.query('SELECT user_id FROM directory.password_credentials WHERE user_id = $1', [userId])).toEqual([]);
    expect(await db.query('SELECT user_id FROM directory.totp_credentials WHERE user_id = $1', [userId])).toEqual([]);
    expect((await outbox('user.deleted', userId)).map((r) => r.envelope.data)).toEqual([{ user_id: userId, erasure_request_id: requestId }]);
    expect((await outbox('erasure.acknowledged', userId)).map((r) => r.envelope.data)).toEqual([{ request_id: requestId, user_id: userId, service: 'user-directory' }]);
    await deliver(request, id);
    expect(await outbox('user.deleted', userId)).toHaveLength(1);
    // The user already gone (deleted meanwhile): the erasure is still announced and acknowledged.
    await deliver(request);
    expect(await outbox('erasure.acknowledged', userId)).toHaveLength(2);
  });
});
