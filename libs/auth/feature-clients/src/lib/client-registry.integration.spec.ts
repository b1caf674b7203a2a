import { CLIENT_REGISTRY_MIGRATIONS, recordSignIn } from '@sigma/auth/data-access-clients';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { ErrorKind } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { snakeCaseFieldNames } from './client-options.request.dto';
import { ClientRegistrationInput } from './client-registration';
import { ClientRegistry } from './client-registry.service';

jest.setTimeout(60000);

const FIELDS = snakeCaseFieldNames('client_name');
const input = (overrides: Partial<ClientRegistrationInput> = {}): ClientRegistrationInput => ({
  name: 'My Application',
  status: 'active',
  redirectUris: ['https://myapp.example/callback'],
  ...overrides,
});

describe('client registry on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let dataSource: DataSource;
  let registry: ClientRegistry;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    dataSource = (await openServiceDatabase({ url: postgres.url, schema: 'auth', poolSize: 4, applicationName: 'clients-test', entities: [], migrations: CLIENT_REGISTRY_MIGRATIONS }))
      .dataSource;
    registry = new ClientRegistry(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await postgres?.stop();
  });

  it('stores a client with every setting and finds it by client id, active and in its tenant only', async () => {
    const tenantId = randomUUID();
    const { client, secret } = await registry.register(
      tenantId,
      input({ scopes: ['read', 'write'], allowedOrigins: ['https://myapp.example'], tokenLifetimes: { accessToken: 600 }, dpopBound: true, firstParty: true }),
      FIELDS,
    );
    const found = await registry.findActiveByClientId(tenantId, client.clientId);
    expect(found).toEqual(client);
    expect(await registry.findActiveByClientId(undefined, client.clientId)).toEqual(client);
    expect(await registry.findActiveByClientId(randomUUID(), client.clientId)).toBeUndefined();
    const stored = await dataSource.query('SELECT secret_hash FROM auth.clients WHERE id = $1', [client.id]);
    expect(stored[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(secret);

    const pending = await registry.register(tenantId, input({ status: 'pending' }), FIELDS);
    expect(await registry.findActiveByClientId(tenantId, pending.client.clientId)).toBeUndefined();
  });

  it('authenticates with the secret shown at creation, and only within the tenant', async () => {
    const tenantId = randomUUID();
    const { client, secret } = await registry.register(tenantId, input(), FIELDS);
    const presented = { method: 'client_secret_basic' as const, clientId: client.clientId, clientSecret: secret ?? '' };
    await expect(registry.authenticate(tenantId, presented)).resolves.toMatchObject({ id: client.id });
    await expect(registry.authenticate(randomUUID(), presented)).rejects.toMatchObject({ kind: ErrorKind.INVALID_CREDENTIALS, oauthError: 'invalid_client' });
    await expect(registry.authenticate(tenantId, { ...presented, clientSecret: 'wrong' })).rejects.toMatchObject({ oauthError: 'invalid_client' });
  });

  it('refuses a slug used in the tenant, suffixes a derived one, and allows the same slug in another tenant', async () => {
    const tenantId = randomUUID();
    await registry.register(tenantId, input({ slug: 'portal' }), FIELDS);
    await expect(registry.register(tenantId, input({ slug: 'portal' }), FIELDS)).rejects.toMatchObject({ kind: ErrorKind.CONFLICT, details: [{ field: 'slug' }] });
    await expect(registry.register(randomUUID(), input({ slug: 'portal' }), FIELDS)).resolves.toMatchObject({ client: { slug: 'portal' } });
    const first = await registry.register(tenantId, input({ name: 'Shop' }), FIELDS);
    const second = await registry.register(tenantId, input({ name: 'Shop' }), FIELDS);
    expect(first.client.slug).toBe('shop');
    expect(second.client.slug).toMatch(/^shop-[0-9a-f]{6}$/);
  });

  it("lists a tenant's clients only, filtered and paged, oldest first", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const web = await registry.register(a, input({ name: 'Web' }), FIELDS);
    const mobile = await registry.register(a, input({ name: 'Mobile', appType: 'mobile', status: 'pending', redirectUris: ['com.example.app:/cb'] }), FIELDS);
    await registry.register(b, input({ name: 'Other tenant' }), FIELDS);

    const all = await registry.list(a, {}, { offset: 0, limit: 10 });
    expect(all.total).toBe(2);
    expect(all.clients.map((c) => c.client.id)).toEqual([web.client.id, mobile.client.id]);
    expect((await registry.list(a, { status: 'pending' }, { offset: 0, limit: 10 })).clients.map((c) => c.client.id)).toEqual([mobile.client.id]);
    expect((await registry.list(a, { appType: 'web' }, { offset: 0, limit: 10 })).clients.map((c) => c.client.id)).toEqual([web.client.id]);
    const second = await registry.list(a, {}, { offset: 1, limit: 1 });
    expect(second).toMatchObject({ total: 2, clients: [{ client: { id: mobile.client.id } }] });
  });

  it('counts statistics from the sign-in ledger of the client and tenant', async () => {
    const tenantId = randomUUID();
    const { client } = await registry.register(tenantId, input(), FIELDS);
    const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    await dataSource.transaction(async (manager) => {
      await recordSignIn(manager, { tenantId, clientId: client.clientId, userId: alice });
      await recordSignIn(manager, { tenantId, clientId: client.clientId, userId: alice });
      await recordSignIn(manager, { tenantId, clientId: client.clientId, userId: bob });
      await recordSignIn(manager, { tenantId: randomUUID(), clientId: client.clientId, userId: carol });
    });
    await dataSource.query(`UPDATE auth.client_sign_ins SET signed_in_at = now() - interval '40 days' WHERE user_id = $1`, [bob]);
    // A rolled-back login counts nothing.
    await dataSource
      .transaction(async (manager) => {
        await recordSignIn(manager, { tenantId, clientId: client.clientId, userId: carol });
        throw new Error('login failed later');
      })
      .catch(() => undefined);

    const [listed] = (await registry.list(tenantId, {}, { offset: 0, limit: 10 })).clients;
    expect(listed.statistics).toMatchObject({ totalUsers: 2, activeUsers: 1, totalLogins: 3 });
    expect(listed.statistics.lastLogin?.getTime()).toBeGreaterThan(Date.now() - 60000);
    const fresh = await registry.register(tenantId, input({ name: 'Fresh' }), FIELDS);
    expect((await registry.list(tenantId, {}, { offset: 1, limit: 1 })).clients[0]).toMatchObject({
      client: { id: fresh.client.id },
      statistics: { totalUsers: 0, activeUsers: 0, totalLogins: 0, lastLogin: null },
    });
  });

  it('keeps the table consistent even if a caller skips the rules', async () => {
    await expect(
      dataSource.query(
        `INSERT INTO auth.clients (id, tenant_id, client_id, name, slug, client_type, app_type, status, token_endpoint_auth_method, secret_hash)
         VALUES ($1, $2, 'c-x', 'x', 'x', 'public', 'web', 'active', 'client_secret_basic', 'h')`,
        [randomUUID(), randomUUID()],
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
