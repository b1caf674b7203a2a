import 'reflect-metadata';
import { AUTH_MIGRATIONS, WEBAUTHN_MIGRATIONS } from '@sigma/auth/data-access';
import { AUTHORIZE_MIGRATIONS } from '@sigma/auth/data-access-authorize';
import { FEDERATION_MIGRATIONS } from '@sigma/auth/data-access-federation';
import { CLIENT_REGISTRY_MIGRATIONS } from '@sigma/auth/data-access-clients';
import { createEnvelope, EventType, NewEvent } from '@sigma/shared/contracts-events';
import { decryptSlice, EVENT_MIGRATIONS, EventConsumerHost, EXPORT_KEY_ALGORITHM, InMemoryEventBus, InMemoryEventTransport, OutboxPublisher } from '@sigma/shared/data-access-events';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { ServiceMetrics } from '@sigma/shared/util-observability';
import { exportJWK, generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { AuthPrivacyConsumer } from './auth-privacy.consumer';

jest.setTimeout(60000);

describe("auth-server's export slice and erasure on real PostgreSQL", () => {
  let postgres: TestPostgres;
  let db: DataSource;
  let consumers: EventConsumerHost;
  const tenantId = randomUUID();

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = (
      await openServiceDatabase({
        url: postgres.url,
        schema: 'auth',
        poolSize: 4,
        applicationName: 'auth-privacy-test',
        entities: [],
        migrations: [...EVENT_MIGRATIONS, ...AUTH_MIGRATIONS, ...CLIENT_REGISTRY_MIGRATIONS, ...WEBAUTHN_MIGRATIONS, ...AUTHORIZE_MIGRATIONS, ...FEDERATION_MIGRATIONS],
      })
    ).dataSource;
    consumers = new EventConsumerHost({
      consumer: 'auth-server',
      dataSource: db,
      schema: 'auth',
      transport: new InMemoryEventTransport(new InMemoryEventBus()),
      metrics: new ServiceMetrics('auth-server'),
      logger: pino({ level: 'silent' }),
      maxAttempts: 2,
      backoffMs: 10,
    });
    new AuthPrivacyConsumer(consumers, new OutboxPublisher('auth')).onModuleInit();
  });

  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
  });

  async function userWithTokens(): Promise<string> {
    const userId = randomUUID();
    const familyId = randomUUID();
    await db.query(
      `INSERT INTO auth.refresh_token_families (id, tenant_id, user_id, client_id, scope, auth_time, amr) VALUES ($1, $2, $3, 'sigma-iam', 'openid', now(), '{pwd}')`,
      [familyId, tenantId, userId],
    );
    await db.query(`INSERT INTO auth.refresh_tokens (id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')`, [randomUUID(), familyId, `hash-${userId}`]);
    await db.query(`INSERT INTO auth.mfa_sessions (id_hash, tenant_id, user_id, client_id, scope, expires_at) VALUES ($1, $2, $3, 'sigma-iam', 'openid', now())`, [`mfa-${userId}`, tenantId, userId]);
    await db.query(`INSERT INTO auth.client_sign_ins (tenant_id, client_id, user_id) VALUES ($1, 'sigma-iam', $2)`, [tenantId, userId]);
    await db.query(`INSERT INTO auth.contextual_tokens (jti, tenant_id, subject, audience, single_use, expires_at) VALUES ($1, $2, $3, 'kiosk', true, now())`, [randomUUID(), tenantId, userId]);
    await db.query(`INSERT INTO auth.consents (tenant_id, user_id, client_id, scopes) VALUES ($1, $2, 'sigma-iam', '{openid,profile}')`, [tenantId, userId]);
    await db.query(
      `INSERT INTO auth.browser_sessions (id, token_hash, tenant_id, user_id, auth_time, amr, expires_at) VALUES ($1, $2, $3, $4, now(), '{pwd}', now() + interval '1 hour')`,
      [randomUUID(), `browser-${userId}`, tenantId, userId],
    );
    return userId;
  }

  async function deliver<T extends EventType>(event: NewEvent<T>, id?: string): Promise<string> {
    const envelope = { ...createEnvelope(event), ...(id ? { id } : {}) };
    await consumers.process({ topic: event.type, key: event.subject, value: Buffer.from(JSON.stringify(envelope)), headers: {} });
    return envelope.id;
  }

  const outbox = (topic: string, userId: string): Promise<Array<{ envelope: { data: Record<string, unknown> } }>> =>
    db.query('SELECT envelope FROM auth.outbox_events WHERE topic = $1 AND key = $2 ORDER BY seq', [topic, userId]);
  const remaining = async (userId: string): Promise<number[]> =>
    Promise.all(
      ['auth.refresh_token_families', 'auth.mfa_sessions', 'auth.client_sign_ins', 'auth.contextual_tokens', 'auth.consents', 'auth.browser_sessions'].map(async (table) =>
        Number((await db.query(`SELECT count(*) AS n FROM ${table} WHERE ${table === 'auth.contextual_tokens' ? 'subject = $1::text' : 'user_id = $1'}`, [userId]))[0].n),
      ),
    );

  it('answers export.requested once with its slice, encrypted, metadata only', async () => {
    const userId = await userWithTokens();
    const { publicKey, privateKey } = await generateKeyPair(EXPORT_KEY_ALGORITHM, { crv: 'X25519', extractable: true });
    const jobId = randomUUID();
    const request = {
      type: 'export.requested' as const,
      tenantId,
      subject: userId,
      data: { job_id: jobId, user_id: userId, services: ['auth-server' as const], recipient_key: JSON.stringify(await exportJWK(publicKey)) },
    };
    const id = await deliver(request);
    await deliver(request, id);
    const parts = await outbox('export.part', userId);
    expect(parts).toHaveLength(1);
    const data = parts[0].envelope.data;
    expect(data).toMatchObject({ job_id: jobId, service: 'auth-server', part: 0, total_parts: 1 });
    expect(JSON.stringify(data)).not.toContain('sigma-iam');
    const slice = await decryptSlice(String(data['ciphertext']), await exportJWK(privateKey));
    expect(Object.keys(slice).sort()).toEqual(['applications', 'authorization_codes_issued', 'browser_sessions', 'consents', 'contextual_tokens', 'device_authorizations', 'mfa_challenges', 'passkey_challenges', 'refresh_token_families', 'refresh_tokens_issued']);
    expect(slice['consents']).toEqual([expect.objectContaining({ client_id: 'sigma-iam', scopes: ['openid', 'profile'] })]);
    expect(slice['browser_sessions']).toEqual([expect.objectContaining({ amr: ['pwd'] })]);
    expect(slice['contextual_tokens']).toEqual([expect.objectContaining({ audience: 'kiosk', single_use: true })]);
    expect(slice['applications']).toEqual([expect.objectContaining({ client_id: 'sigma-iam', sign_ins: 1 })]);
    expect(slice['refresh_tokens_issued']).toHaveLength(1);
    expect(JSON.stringify(slice)).not.toMatch(/hash|mfa-/);

    // A request that does not name auth-server is not answered.
    await deliver({ ...request, data: { ...request.data, job_id: randomUUID(), services: ['user-directory'] } });
    expect(await outbox('export.part', userId)).toHaveLength(1);
  });

  it('erases the user on user.deleted and acknowledges the erasure request; replays change nothing', async () => {
    const userId = await userWithTokens();
    const other = await userWithTokens();
    const requestId = randomUUID();
    const deleted = { type: 'user.deleted' as const, tenantId, subject: userId, data: { user_id: userId, erasure_request_id: requestId } };
    const id = await deliver(deleted);
    expect(await remaining(userId)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await remaining(other)).toEqual([1, 1, 1, 1, 1, 1]);
    expect((await outbox('erasure.acknowledged', userId)).map((r) => r.envelope.data)).toEqual([{ request_id: requestId, user_id: userId, service: 'auth-server' }]);
    await deliver(deleted, id);
    expect(await outbox('erasure.acknowledged', userId)).toHaveLength(1);
    await deliver(deleted);
    expect(await remaining(userId)).toEqual([0, 0, 0, 0, 0, 0]);
    // An administrator's plain delete erases the same data without an acknowledgement.
    await deliver({ type: 'user.deleted', tenantId, subject: other, data: { user_id: other } });
    expect(await remaining(other)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await outbox('erasure.acknowledged', other)).toHaveLength(0);
  });
});
