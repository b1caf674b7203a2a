import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DIRECTORY_MIGRATIONS, DirectoryBootstrapRepository } from '@sigma/directory/data-access';
import { DIRECTORY_OPTIONS, DirectoryOptions } from '@sigma/directory/domain';
import { DIRECTORY_INTERNAL_ROUTES } from '@sigma/shared/contracts-internal';
import { EVENT_MIGRATIONS, OutboxPublisher } from '@sigma/shared/data-access-events';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { AccessTokenVerifier, BearerAuthGuard } from '@sigma/shared/util-auth';
import { SecretBox } from '@sigma/shared/util-crypto';
import { createValidationPipe, FamilyExceptionFilter, LOGGER } from '@sigma/shared/util-http';
import { hash } from 'bcrypt';
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { AfterQueryEvent, DataSource, EntitySubscriberInterface } from 'typeorm';
import { DirectoryCredentialsModule } from './directory-credentials.module';

jest.setTimeout(120000);

const PASSWORD = 'correct horse battery staple';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** The directory's internal passkey API (what auth-server's WebAuthn ceremonies call) over real PostgreSQL. */
describe('internal passkey API on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let dataSource: DataSource;
  let app: INestApplication;
  let baseUrl: string;
  let defaultTenant: string;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    dataSource = (
      await openServiceDatabase({
        url: postgres.url,
        schema: 'directory',
        poolSize: 4,
        applicationName: 'webauthn-credentials-test',
        entities: [],
        migrations: [...EVENT_MIGRATIONS, ...DIRECTORY_MIGRATIONS],
      })
    ).dataSource;
    defaultTenant = await dataSource.transaction((manager) => new DirectoryBootstrapRepository(manager).createDefaultTenant());
    const options: DirectoryOptions = { bcryptCost: 10, secretBox: new SecretBox(randomBytes(32)) };
    // The module's MFA enrolment routes need a verifier; these tests never send a token.
    const verifier = new AccessTokenVerifier({ publicUrl: 'http://sigma.test', jwksUrl: () => 'http://auth.test/jwks', fetch: async () => Response.json({ keys: [] }) });
    @Global()
    @Module({
      providers: [
        { provide: DataSource, useValue: dataSource },
        { provide: DIRECTORY_OPTIONS, useValue: options },
        { provide: LOGGER, useValue: pino({ level: 'silent' }) },
        { provide: OutboxPublisher, useValue: new OutboxPublisher('directory') },
        { provide: AccessTokenVerifier, useValue: verifier },
        BearerAuthGuard,
      ],
      exports: [DataSource, DIRECTORY_OPTIONS, LOGGER, OutboxPublisher, AccessTokenVerifier, BearerAuthGuard],
    })
    class TestInfrastructure {}
    const moduleRef = await Test.createTestingModule({ imports: [TestInfrastructure, DirectoryCredentialsModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new FamilyExceptionFilter(pino({ level: 'silent' })));
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await dataSource?.destroy();
    await postgres?.stop();
  });

  async function createUser(tenantId = defaultTenant): Promise<{ id: string; email: string; tenantId: string }> {
    const id = randomUUID();
    const email = `passkey-${id.slice(0, 8)}@Example.test`;
    await dataSource.query('INSERT INTO directory.users (id, tenant_id, email, username) VALUES ($1, $2, $3, $4)', [id, tenantId, email, `pk-${id.slice(0, 8)}`]);
    await dataSource.query('INSERT INTO directory.password_credentials (user_id, hash) VALUES ($1, $2)', [id, await hash(PASSWORD, 10)]);
    return { id, email, tenantId };
  }

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const credentialOf = (user: { id: string; tenantId: string }, overrides: Record<string, unknown> = {}) => ({
    tenant_id: user.tenantId,
    user_id: user.id,
    credential_id: randomBytes(32).toString('base64url'),
    public_key: randomBytes(77).toString('base64url'),
    counter: 0,
    transports: ['internal', 'hybrid'],
    device_type: 'singleDevice',
    backed_up: false,
    ...overrides,
  });
  const add = (body: unknown) => call('POST', DIRECTORY_INTERNAL_ROUTES.webauthnCredentials, body);
  const use = (credentialId: string, body: Record<string, unknown>) => call('POST', DIRECTORY_INTERNAL_ROUTES.webauthnCredentialUse(credentialId), body);
  const counterOf = async (credentialId: string): Promise<number> =>
    Number(((await dataSource.query('SELECT counter FROM directory.webauthn_credentials WHERE id = $1', [credentialId])) as Array<{ counter: string }>)[0].counter);

  it('lists by username with the same statements for an unknown username as for a user without passkeys', async () => {
    const user = await createUser();
    const statements: string[][] = [];
    const recorder: EntitySubscriberInterface = {
      afterQuery(event: AfterQueryEvent<unknown>) {
        statements[statements.length - 1].push(event.query.replace(/\s+/g, ' ').trim());
      },
    };
    dataSource.subscribers.push(recorder);
    const answers: Answer[] = [];
    try {
      for (const username of [user.email, `nobody-${randomUUID()}@example.test`]) {
        statements.push([]);
        answers.push(await call('GET', `${DIRECTORY_INTERNAL_ROUTES.webauthnCredentials}?tenant_id=${defaultTenant}&username=${encodeURIComponent(username)}`));
      }
    } finally {
      dataSource.subscribers.splice(dataSource.subscribers.indexOf(recorder), 1);
    }
    expect(answers).toEqual([
      { status: 200, body: { user_id: user.id, credentials: [] } },
      { status: 200, body: { user_id: null, credentials: [] } },
    ]);
    expect(statements[0]).toHaveLength(2);
    expect(statements[1]).toEqual(statements[0]);
  });

  it('stores a credential once, for a user of the tenant, and refuses bad input with field details', async () => {
    const user = await createUser();
    const credential = credentialOf(user, { name: 'Laptop' });
    const added = await add(credential);
    expect(added).toEqual({
      status: 201,
      body: {
        credential_id: credential.credential_id,
        user_id: user.id,
        tenant_id: defaultTenant,
        public_key: credential.public_key,
        counter: 0,
        transports: ['internal', 'hybrid'],
        device_type: 'singleDevice',
        backed_up: false,
        name: 'Laptop',
        created_at: expect.any(String),
        last_used_at: null,
      },
    });
    // The same credential id again, even for another user, is a conflict.
    const other = await createUser();
    expect((await add({ ...credential, user_id: other.id })).status).toBe(409);
    // A user of another tenant is unknown here.
    const foreign = await createUser(await createTenant());
    expect((await add(credentialOf({ id: foreign.id, tenantId: defaultTenant }))).status).toBe(404);
    const invalid = await add({ ...credentialOf(user), credential_id: 'not base64url!', counter: -1, transports: ['pigeon'] });
    expect(invalid.status).toBe(400);
    expect([...new Set((invalid.body['error'] as { details: Array<{ field: string }> }).details.map((d) => d.field))].sort()).toEqual(['counter', 'credential_id', 'transports']);
    expect(Number((await dataSource.query('SELECT count(*) AS n FROM directory.webauthn_credentials WHERE user_id IN ($1, $2)', [user.id, other.id]))[0].n)).toBe(1);
  });

  it("lists a user's credentials by id or by username or email, and finds one by id within its tenant only", async () => {
    const user = await createUser();
    const first = credentialOf(user);
    const second = credentialOf(user, { transports: [], device_type: 'multiDevice', backed_up: true });
    expect((await add(first)).status).toBe(201);
    expect((await add(second)).status).toBe(201);
    const byId = await call('GET', `${DIRECTORY_INTERNAL_ROUTES.webauthnCredentials}?tenant_id=${defaultTenant}&user_id=${user.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body['user_id']).toBe(user.id);
    expect((byId.body['credentials'] as Array<{ credential_id: string }>).map((c) => c.credential_id).sort()).toEqual([first.credential_id, second.credential_id].sort());
    const byEmail = await call('GET', `${DIRECTORY_INTERNAL_ROUTES.webauthnCredentials}?tenant_id=${defaultTenant}&username=${encodeURIComponent(user.email.toUpperCase())}`);
    expect(byEmail.body).toEqual(byId.body);
    const unknown = await call('GET', `${DIRECTORY_INTERNAL_ROUTES.webauthnCredentials}?tenant_id=${defaultTenant}&username=nobody@example.test`);
    expect(unknown).toEqual({ status: 200, body: { user_id: null, credentials: [] } });
    expect((await call('GET', `${DIRECTORY_INTERNAL_ROUTES.webauthnCredentials}?tenant_id=${defaultTenant}`)).status).toBe(400);
    expect((await call('GET', `${DIRECTORY_INTERNAL_ROUTES.webauthnCredentials}?tenant_id=${defaultTenant}&user_id=${user.id}&username=x`)).status).toBe(400);

    const found = await call('GET', `${DIRECTORY_INTERNAL_ROUTES.webauthnCredential(second.credential_id)}?tenant_id=${defaultTenant}`);
    expect(found.body).toMatchObject({ credential_id: second.credential_id, user_id: user.id, device_type: 'multiDevice', backed_up: true, transports: [] });
    expect((await call('GET', `${DIRECTORY_INTERNAL_ROUTES.webauthnCredential(second.credential_id)}?tenant_id=${await createTenant()}`)).status).toBe(404);

    // Removal: only the owner's, within the tenant.
    const stranger = await createUser();
    const remove = (userId: string) => fetch(`${baseUrl}${DIRECTORY_INTERNAL_ROUTES.webauthnCredential(second.credential_id)}?tenant_id=${defaultTenant}&user_id=${userId}`, { method: 'DELETE' });
    expect((await remove(stranger.id)).status).toBe(404);
    const removed = await remove(user.id);
    expect(removed.status).toBe(200);
    expect(await removed.json()).toMatchObject({ credential_id: second.credential_id, user_id: user.id });
    expect((await remove(user.id)).status).toBe(404);
  });

  it('raises the counter only upwards (both zero allowed), records the sign-in, and answers the claims', async () => {
    const user = await createUser();
    const credential = credentialOf(user);
    expect((await add(credential)).status).toBe(201);
    await dataSource.query('INSERT INTO directory.sign_in_failures (subject, failure_count, last_failure_at) VALUES ($1, 4, now())', [user.id]);

    // Authenticators without a counter stay at zero.
    const zero = await use(credential.credential_id, { tenant_id: defaultTenant, counter: 0, backed_up: false });
    expect(zero.status).toBe(200);
    expect(zero.body['user']).toMatchObject({ user_id: user.id, tenant_id: defaultTenant, mfa: { totp: false, webauthn: true }, last_login: expect.any(String) });
    expect((await use(credential.credential_id, { tenant_id: defaultTenant, counter: 7, backed_up: false })).status).toBe(200);
    expect((await use(credential.credential_id, { tenant_id: defaultTenant, counter: 7, backed_up: false })).status).toBe(409);
    expect((await use(credential.credential_id, { tenant_id: defaultTenant, counter: 3, backed_up: false })).status).toBe(409);
    expect((await use(credential.credential_id, { tenant_id: defaultTenant, counter: 0, backed_up: false })).status).toBe(409);
    expect(await counterOf(credential.credential_id)).toBe(7);

    // Two sign-ins racing with one counter value: exactly one passes.
    const raced = await Promise.all([8, 8, 8].map((counter) => use(credential.credential_id, { tenant_id: defaultTenant, counter, backed_up: true })));
    expect(raced.map((answer) => answer.status).sort()).toEqual([200, 409, 409]);
    const row = ((await dataSource.query('SELECT c.counter, c.backed_up, c.last_used_at, f.failure_count AS failed_login_count FROM directory.webauthn_credentials c JOIN directory.sign_in_failures f ON f.subject = c.user_id::text WHERE c.id = $1', [credential.credential_id])) as Array<Record<string, unknown>>)[0];
    // A passkey sign-in leaves the password failure count alone.
    expect(row).toMatchObject({ counter: '8', backed_up: true, last_used_at: expect.any(Date), failed_login_count: 4 });

    expect((await use(randomBytes(32).toString('base64url'), { tenant_id: defaultTenant, counter: 9, backed_up: false })).status).toBe(404);
    expect((await use(credential.credential_id, { tenant_id: await createTenant(), counter: 9, backed_up: false })).status).toBe(404);
    expect((await use(credential.credential_id, { tenant_id: defaultTenant, counter: 2 ** 32, backed_up: false })).status).toBe(400);
    await dataSource.query('UPDATE directory.users SET is_active = false WHERE id = $1', [user.id]);
    expect((await use(credential.credential_id, { tenant_id: defaultTenant, counter: 9, backed_up: false })).status).toBe(403);
    expect(await counterOf(credential.credential_id)).toBe(8);
  });

  it('does not treat a passkey as a second factor of password logins', async () => {
    const user = await createUser();
    expect((await add(credentialOf(user))).status).toBe(201);
    const verified = await call('POST', DIRECTORY_INTERNAL_ROUTES.verifyPassword, { username: user.email, password: PASSWORD });
    expect(verified.status).toBe(200);
    // The password login is complete (no MFA step follows), so last_login is set now.
    expect(verified.body['user']).toMatchObject({ mfa: { totp: false, webauthn: true }, last_login: expect.any(String) });
  });

  async function createTenant(): Promise<string> {
    const id = randomUUID();
    await dataSource.query('INSERT INTO directory.tenants (id, name, slug) VALUES ($1, $2, $3)', [id, 'Other', `other-${id.slice(0, 8)}`]);
    return id;
  }
});
