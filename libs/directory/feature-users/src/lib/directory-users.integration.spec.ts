import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DIRECTORY_MIGRATIONS, DirectoryBootstrapRepository, ESTIMATED_COUNT_CAP, EXACT_TOTALS_UP_TO } from '@sigma/directory/data-access';
import { DIRECTORY_OPTIONS, DirectoryOptions } from '@sigma/directory/domain';
import { DIRECTORY_INTERNAL_ROUTES } from '@sigma/shared/contracts-internal';
import { EVENT_MIGRATIONS, OutboxPublisher } from '@sigma/shared/data-access-events';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { AccessTokenVerifier, API_AUDIENCE, BearerAuthGuard, issuerOf } from '@sigma/shared/util-auth';
import { hashToken, SecretBox } from '@sigma/shared/util-crypto';
import { createValidationPipe, FamilyExceptionFilter, LOGGER } from '@sigma/shared/util-http';
import { compare } from 'bcrypt';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { DirectoryUsersModule } from './directory-users.module';

jest.setTimeout(180000);

const PUBLIC_URL = 'https://iam.example.test';
const PASSWORD = 'Vx9!kq2#Lm-orbit';
const OPERATOR = ['*'];
const ADMIN = ['users:*', 'roles:*', 'groups:*', 'applications:*', 'sessions:*', 'permissions:read', 'tenants:read'];

type Json = Record<string, unknown> & { error?: { code: string; details: Array<{ field: string; message: string }> } };
interface Answer<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}
interface UserV1Body {
  id: string;
  username: string;
  email: string;
  tenant_id: string;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  email_verified: boolean;
  is_active: boolean;
  roles: string[];
  permissions: string[];
  created_at: string;
  updated_at: string;
  last_login: string | null;
}
interface ListBody {
  data: UserV1Body[];
  pagination: { page: number; limit: number; size: number; total: number; total_pages: number; total_is_estimate?: boolean };
}

describe('directory users, tenants and API keys on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let dataSource: DataSource;
  let app: INestApplication;
  let baseUrl: string;
  let defaultTenant: string;
  let operatorId: string;
  let sign: (claims: { tenantId: string; userId?: string; permissions: string[] }) => Promise<string>;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    dataSource = (
      await openServiceDatabase({
        url: postgres.url,
        schema: 'directory',
        poolSize: 6,
        applicationName: 'users-test',
        entities: [],
        migrations: [...EVENT_MIGRATIONS, ...DIRECTORY_MIGRATIONS],
      })
    ).dataSource;
    await dataSource.transaction(async (manager) => {
      const repository = new DirectoryBootstrapRepository(manager);
      defaultTenant = await repository.createDefaultTenant();
      const roles = await repository.ensureSystemRoles(defaultTenant);
      operatorId = await repository.createUserWithPassword({ tenantId: defaultTenant, email: 'admin@sigma-iam.local', passwordHash: 'x', roleIds: [roles.get('super-admin') ?? ''] });
    });

    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    sign = ({ tenantId, userId, permissions }) =>
      new SignJWT({ tid: tenantId, client_id: 'console', scope: 'openid', roles: [], permissions })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
        .setIssuer(issuerOf(PUBLIC_URL, tenantId))
        .setAudience(API_AUDIENCE)
        .setSubject(userId ?? 'console')
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
    const verifier = new AccessTokenVerifier({ publicUrl: PUBLIC_URL, jwksUrl: (tid) => `http://jwks.test/${tid}`, fetch: (async () => Response.json({ keys: [jwk] })) as typeof fetch });

    const options: DirectoryOptions = { bcryptCost: 10, secretBox: new SecretBox(randomBytes(32)) };
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
    const moduleRef = await Test.createTestingModule({ imports: [TestInfrastructure, DirectoryUsersModule] }).compile();
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

  async function call<T = Json>(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }

  const operator = () => sign({ tenantId: defaultTenant, userId: operatorId, permissions: OPERATOR });

  async function newTenant(name = `Tenant ${randomUUID().slice(0, 8)}`): Promise<string> {
    const created = await call('POST', '/api/v1/tenants', { token: await operator(), body: { name } });
    expect(created.status).toBe(201);
    return created.body['id'] as string;
  }

  async function outboxEvents(subject: string): Promise<Array<{ topic: string; envelope: { data: Record<string, unknown>; tenant_id: string } }>> {
    return dataSource.query('SELECT topic, envelope FROM directory.outbox_events WHERE key = $1 ORDER BY created_at', [subject]);
  }

  async function insertUsers(tenantId: string, count: number, prefix: string): Promise<void> {
    await dataSource.query(
      `INSERT INTO directory.users (id, tenant_id, email, username, first_name, last_name, created_at)
       SELECT gen_random_uuid(), $1, $2 || i || '@bulk.test', $2 || i, 'First' || i, CASE WHEN i % 10 = 0 THEN 'Needle' ELSE 'Hay' END, now() - (i || ' seconds')::interval
         FROM generate_series(1, $3::int) AS i`,
      [tenantId, prefix, count],
    );
  }

  describe('tenants', () => {
    it('lets a platform operator create a tenant with its configuration and system roles', async () => {
      const created = await call('POST', '/api/v1/tenants', {
        token: await operator(),
        body: {
          name: 'Acme Corp',
          domain: 'acme.example.com',
          status: 'active',
          ip_allow_list: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32'],
          redirect_domains: ['app.acme.example.com', '*.acme.example.com'],
          rate_limit: { requests_per_minute: 300, burst: 20 },
          token_lifetimes: { access_token: 600 },
        },
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'Acme Corp',
        slug: 'acme-corp',
        domain: 'acme.example.com',
        status: 'active',
        ip_allow_list: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32'],
        redirect_domains: ['app.acme.example.com', '*.acme.example.com'],
        rate_limit: { requests_per_minute: 300, burst: 20 },
        token_lifetimes: { access_token: 600, refresh_token: 2592000, id_token: 900 },
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      const roles: Array<{ slug: string }> = await dataSource.query('SELECT slug FROM directory.roles WHERE tenant_id = $1 AND is_system ORDER BY slug', [created.body['id']]);
      expect(roles.map((r) => r.slug)).toEqual(['admin', 'super-admin', 'user']);

      const again = await call('POST', '/api/v1/tenants', { token: await operator(), body: { name: 'Acme Corp' } });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'CONFLICT', details: [{ field: 'slug', message: 'is already taken' }] });
      const sameDomain = await call('POST', '/api/v1/tenants', { token: await operator(), body: { name: 'Other', domain: 'ACME.example.com' } });
      expect(sameDomain.status).toBe(409);
    });

    it.each([
      ['an unknown field', { name: 'X', plan: 'gold' }, 'plan'],
      ['a bad CIDR', { name: 'X', ip_allow_list: ['10.0.0.0/33'] }, 'ip_allow_list'],
      ['a bad redirect domain', { name: 'X', redirect_domains: ['https://x.example'] }, 'redirect_domains'],
      ['a too short token lifetime', { name: 'X', token_lifetimes: { access_token: 5 } }, 'token_lifetimes.access_token'],
      ['an unknown nested field', { name: 'X', rate_limit: { per_hour: 5 } }, 'rate_limit.per_hour'],
      ['a rate limit of the wrong type', { name: 'X', rate_limit: '100' }, 'rate_limit'],
      ['a burst of 0', { name: 'X', rate_limit: { requests_per_minute: 60, burst: 0 } }, 'rate_limit.burst'],
      ['a UUID slug', { name: 'X', slug: randomUUID() }, 'slug'],
      ['an unknown status', { name: 'X', status: 'deleted' }, 'status'],
    ])('refuses %s with a field error and creates nothing', async (_name, body, field) => {
      const before = await dataSource.query('SELECT count(*)::int AS n FROM directory.tenants');
      const answer = await call('POST', '/api/v1/tenants', { token: await operator(), body });
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe('VALIDATION_ERROR');
      expect(answer.body.error?.details.map((d) => d.field)).toContain(field);
      expect(await dataSource.query('SELECT count(*)::int AS n FROM directory.tenants')).toEqual(before);
    });

    it('keeps tenant creation and the full list to platform operators; others read only their own tenant', async () => {
      const tenantA = await newTenant();
      const tenantB = await newTenant();
      const superAdminA = await sign({ tenantId: tenantA, userId: randomUUID(), permissions: ['*'] });
      expect((await call('POST', '/api/v1/tenants', { token: superAdminA, body: { name: 'Sneaky' } })).status).toBe(403);
      expect((await call('GET', '/api/v1/tenants', { token: superAdminA })).status).toBe(403);
      const adminA = await sign({ tenantId: tenantA, userId: randomUUID(), permissions: ADMIN });
      const own = await call('GET', `/api/v1/tenants/${tenantA}`, { token: adminA });
      expect(own.status).toBe(200);
      expect(own.body['id']).toBe(tenantA);
      expect((await call('GET', `/api/v1/tenants/${tenantB}`, { token: adminA })).status).toBe(403);
      expect((await call('GET', `/api/v1/tenants/${tenantA}`, { token: await sign({ tenantId: tenantA, userId: randomUUID(), permissions: [] }) })).status).toBe(403);
      expect((await call('GET', '/api/v1/tenants/not-a-uuid', { token: adminA })).status).toBe(404);
      expect((await call('GET', `/api/v1/tenants/${randomUUID()}`, { token: await operator() })).status).toBe(404);
      expect((await call('GET', `/api/v1/tenants/${tenantB}`, { token: await operator() })).status).toBe(200);
      expect((await call('GET', '/api/v1/tenants')).status).toBe(401);
    });

    it("lets a tenant's super-admin change its configuration, and keeps domain and status to platform operators", async () => {
      const tenantA = await newTenant();
      const tenantB = await newTenant();
      const superAdminA = await sign({ tenantId: tenantA, userId: randomUUID(), permissions: ['*'] });
      const changed = await call('PATCH', `/api/v1/tenants/${tenantA}`, {
        token: superAdminA,
        body: { name: 'Renamed', ip_allow_list: ['192.0.2.0/24'], rate_limit: { requests_per_minute: 50, burst: 5 }, token_lifetimes: { access_token: 300 } },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        id: tenantA,
        name: 'Renamed',
        ip_allow_list: ['192.0.2.0/24'],
        rate_limit: { requests_per_minute: 50, burst: 5 },
        token_lifetimes: { access_token: 300, refresh_token: 2592000, id_token: 900 },
      });
      const reset = await call('PATCH', `/api/v1/tenants/${tenantA}`, { token: superAdminA, body: { rate_limit: null } });
      expect(reset.body).toMatchObject({ name: 'Renamed', rate_limit: { requests_per_minute: null, burst: null }, token_lifetimes: { access_token: 300 } });
      const internal = await call('GET', DIRECTORY_INTERNAL_ROUTES.tenant(tenantA));
      expect(internal.body).toMatchObject({ ip_allow_list: ['192.0.2.0/24'], token_lifetimes: { access_token: 300 } });

      const before = await dataSource.query('SELECT * FROM directory.tenants WHERE id = $1', [tenantA]);
      expect((await call('PATCH', `/api/v1/tenants/${tenantA}`, { token: superAdminA, body: { status: 'suspended' } })).status).toBe(403);
      expect((await call('PATCH', `/api/v1/tenants/${tenantA}`, { token: superAdminA, body: { domain: 'a.example.com' } })).status).toBe(403);
      expect((await call('PATCH', `/api/v1/tenants/${tenantB}`, { token: superAdminA, body: { name: 'Hijacked' } })).status).toBe(403);
      const adminA = await sign({ tenantId: tenantA, userId: randomUUID(), permissions: ADMIN });
      expect((await call('PATCH', `/api/v1/tenants/${tenantA}`, { token: adminA, body: { name: 'Nope' } })).status).toBe(403);
      for (const body of [{ slug: 'other' }, { token_lifetimes: { access_token: 5 } }, { ip_allow_list: ['nope'] }, { name: '  ' }]) {
        const refused = await call('PATCH', `/api/v1/tenants/${tenantA}`, { token: superAdminA, body });
        expect(refused.status).toBe(400);
        expect(refused.body.error?.code).toBe('VALIDATION_ERROR');
      }
      expect(await dataSource.query('SELECT * FROM directory.tenants WHERE id = $1', [tenantA])).toEqual(before);
      expect((await call('GET', `/api/v1/tenants/${tenantB}`, { token: await operator() })).body['name']).not.toBe('Hijacked');

      const byOperator = await call('PATCH', `/api/v1/tenants/${tenantB}`, { token: await operator(), body: { status: 'suspended', domain: 'B.example.com' } });
      expect(byOperator.body).toMatchObject({ status: 'suspended', domain: 'b.example.com' });
      const taken = await call('PATCH', `/api/v1/tenants/${tenantA}`, { token: await operator(), body: { domain: 'b.example.com' } });
      expect(taken.status).toBe(409);
      expect((await call('PATCH', `/api/v1/tenants/${randomUUID()}`, { token: await operator(), body: { name: 'X' } })).status).toBe(404);
      expect((await call('PATCH', '/api/v1/tenants/not-a-uuid', { token: await operator(), body: { name: 'X' } })).status).toBe(404);
    });

    it('lists tenants page by page', async () => {
      const total = (await dataSource.query('SELECT count(*)::int AS n FROM directory.tenants'))[0].n as number;
      const page = await call<{ data: Array<{ id: string }>; pagination: Record<string, number> }>('GET', '/api/v1/tenants?page=2&size=2', { token: await operator() });
      expect(page.status).toBe(200);
      expect(page.body.pagination).toEqual({ page: 2, limit: 2, size: 2, total, total_pages: Math.ceil(total / 2) });
      expect(page.body.data).toHaveLength(2);
      expect((await call('GET', '/api/v1/tenants?limit=101', { token: await operator() })).status).toBe(400);
    });

    it('answers the internal tenant lookup by id or slug', async () => {
      const byId = await call('GET', DIRECTORY_INTERNAL_ROUTES.tenant(defaultTenant));
      expect(byId.status).toBe(200);
      expect(byId.body).toMatchObject({ id: defaultTenant, slug: 'default', token_lifetimes: { access_token: 900 } });
      expect(byId.body).not.toHaveProperty('created_at');
      expect((await call('GET', DIRECTORY_INTERNAL_ROUTES.tenant('default'))).body['id']).toBe(defaultTenant);
      expect((await call('GET', DIRECTORY_INTERNAL_ROUTES.tenant('nope'))).status).toBe(404);
    });
  });

  describe('tenant API keys', () => {
    it('issues a key once, lists it without the key, verifies it for its tenant only and stops it when revoked', async () => {
      const tenantId = await newTenant();
      const superAdmin = await sign({ tenantId, userId: randomUUID(), permissions: ['*'] });
      const issued = await call('POST', `/api/v1/tenants/${tenantId}/api-keys`, { token: superAdmin, body: { name: 'backend' } });
      expect(issued.status).toBe(201);
      expect(issued.body).toEqual({ id: expect.any(String), api_key: expect.stringMatching(/^sk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/), name: 'backend', prefix: expect.stringMatching(/^sk_[0-9a-f]{8}$/), created_at: expect.any(String) });
      const apiKey = issued.body['api_key'] as string;
      const stored: Array<{ key_hash: string }> = await dataSource.query('SELECT key_hash FROM directory.tenant_api_keys WHERE id = $1', [issued.body['id']]);
      expect(stored[0].key_hash).toBe(hashToken(apiKey));

      const listed = await call<{ data: Array<Record<string, unknown>> }>('GET', `/api/v1/tenants/${tenantId}/api-keys`, { token: superAdmin });
      expect(listed.body.data).toEqual([{ id: issued.body['id'], name: 'backend', prefix: issued.body['prefix'], created_at: issued.body['created_at'], last_used_at: null, revoked_at: null }]);
      expect(JSON.stringify(listed.body)).not.toContain(apiKey);

      const verified = await call('POST', DIRECTORY_INTERNAL_ROUTES.verifyApiKey, { body: { api_key: apiKey } });
      expect(verified.status).toBe(200);
      expect(verified.body).toEqual({ key_id: issued.body['id'], tenant: { id: tenantId, name: expect.any(String), slug: expect.any(String) }, ip_allow_list: [] });
      const afterUse = await call<{ data: Array<{ last_used_at: string | null }> }>('GET', `/api/v1/tenants/${tenantId}/api-keys`, { token: superAdmin });
      expect(afterUse.body.data[0].last_used_at).not.toBeNull();

      const tampered = `${apiKey.slice(0, -1)}${apiKey.endsWith('A') ? 'B' : 'A'}`;
      expect((await call('POST', DIRECTORY_INTERNAL_ROUTES.verifyApiKey, { body: { api_key: tampered } })).status).toBe(404);
      expect((await call('POST', DIRECTORY_INTERNAL_ROUTES.verifyApiKey, { body: { api_key: 'sk_live_not_a_real_key_at_all' } })).status).toBe(404);

      expect((await call('DELETE', `/api/v1/tenants/${tenantId}/api-keys/${issued.body['id']}`, { token: superAdmin })).status).toBe(204);
      expect((await call('DELETE', `/api/v1/tenants/${tenantId}/api-keys/${issued.body['id']}`, { token: superAdmin })).status).toBe(204);
      expect((await call('POST', DIRECTORY_INTERNAL_ROUTES.verifyApiKey, { body: { api_key: apiKey } })).status).toBe(404);
      expect((await call('GET', '/api/users', { headers: { 'x-api-key': apiKey } })).status).toBe(401);
      const revoked = await call<{ data: Array<{ revoked_at: string | null }> }>('GET', `/api/v1/tenants/${tenantId}/api-keys`, { token: superAdmin });
      expect(revoked.body.data[0].revoked_at).not.toBeNull();
    });

    it('keeps key management to the tenant (tenants:write) and platform operators', async () => {
      const tenantA = await newTenant();
      const tenantB = await newTenant();
      const adminA = await sign({ tenantId: tenantA, userId: randomUUID(), permissions: ADMIN });
      expect((await call('POST', `/api/v1/tenants/${tenantA}/api-keys`, { token: adminA, body: {} })).status).toBe(403);
      const superAdminA = await sign({ tenantId: tenantA, userId: randomUUID(), permissions: ['*'] });
      expect((await call('POST', `/api/v1/tenants/${tenantB}/api-keys`, { token: superAdminA, body: {} })).status).toBe(403);
      expect((await call('GET', `/api/v1/tenants/${tenantB}/api-keys`, { token: superAdminA })).status).toBe(403);
      const keyB = await call('POST', `/api/v1/tenants/${tenantB}/api-keys`, { token: await operator(), body: {} });
      expect(keyB.status).toBe(201);
      expect((await call('DELETE', `/api/v1/tenants/${tenantA}/api-keys/${keyB.body['id']}`, { token: superAdminA })).status).toBe(404);
      expect((await call('DELETE', `/api/v1/tenants/${tenantA}/api-keys/not-a-uuid`, { token: superAdminA })).status).toBe(404);
      expect((await call('POST', DIRECTORY_INTERNAL_ROUTES.verifyApiKey, { body: { api_key: keyB.body['api_key'] } })).status).toBe(200);
      expect((await call('POST', `/api/v1/tenants/${tenantA}/api-keys`, { token: superAdminA, body: { name: '' } })).status).toBe(400);
    });

    it("serves seed 003's user list for the key's tenant only", async () => {
      const tenantA = await newTenant();
      const tenantB = await newTenant();
      await insertUsers(tenantA, 3, `a-${tenantA.slice(0, 6)}-`);
      await insertUsers(tenantB, 2, `b-${tenantB.slice(0, 6)}-`);
      const keyA = (await call('POST', `/api/v1/tenants/${tenantA}/api-keys`, { token: await operator(), body: {} })).body['api_key'] as string;
      const listed = await call<Array<Record<string, unknown>>>('GET', '/api/users', { headers: { 'x-api-key': keyA } });
      expect(listed.status).toBe(200);
      expect(listed.headers.get('x-total-count')).toBe('3');
      expect(listed.body).toHaveLength(3);
      for (const user of listed.body) {
        expect(user).toEqual({ id: expect.any(String), identifier: expect.stringMatching(/^a-/), created_at: expect.any(String), last_login_at: null });
      }
      const missing = await call('GET', '/api/users');
      expect(missing.status).toBe(401);
      expect(missing.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
      expect((await call('GET', '/api/users', { headers: { 'x-api-key': 'sk_nope' } })).status).toBe(401);
      expect((await call('GET', '/api/users?limit=1001', { headers: { 'x-api-key': keyA } })).status).toBe(400);
      const paged = await call<unknown[]>('GET', '/api/users?limit=2&page=2', { headers: { 'x-api-key': keyA } });
      expect(paged.body).toHaveLength(1);
    });

    it('refuses keys of a tenant that is not active', async () => {
      const created = await call('POST', '/api/v1/tenants', { token: await operator(), body: { name: `Paused ${randomUUID().slice(0, 6)}`, status: 'suspended' } });
      const key = (await call('POST', `/api/v1/tenants/${created.body['id']}/api-keys`, { token: await operator(), body: {} })).body['api_key'];
      expect((await call('POST', DIRECTORY_INTERNAL_ROUTES.verifyApiKey, { body: { api_key: key } })).status).toBe(404);
    });
  });

  describe('users under /api/v1', () => {
    let tenantId: string;
    let admin: string;

    beforeAll(async () => {
      tenantId = await newTenant();
      admin = await sign({ tenantId, userId: randomUUID(), permissions: ADMIN });
    });

    it('creates a user in the union shape with the default role, a bcrypt hash and a user.created event', async () => {
      const created = await call<UserV1Body>('POST', '/api/v1/users', {
        token: admin,
        body: { email: 'Jane.Doe@Example.COM', password: PASSWORD, full_name: 'Jane Q Doe' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        username: 'jane.doe@example.com',
        email: 'jane.doe@example.com',
        tenant_id: tenantId,
        first_name: 'Jane',
        last_name: 'Q Doe',
        full_name: 'Jane Q Doe',
        email_verified: false,
        is_active: true,
        roles: ['user'],
        permissions: [],
        created_at: expect.any(String),
        updated_at: expect.any(String),
        last_login: null,
      });
      const [credential]: Array<{ hash: string }> = await dataSource.query('SELECT hash FROM directory.password_credentials WHERE user_id = $1', [created.body.id]);
      expect(credential.hash).toMatch(/^\$2[aby]\$10\$/);
      expect(await compare(PASSWORD, credential.hash)).toBe(true);
      expect(await outboxEvents(created.body.id)).toEqual([expect.objectContaining({ topic: 'user.created', envelope: expect.objectContaining({ tenant_id: tenantId, data: { user_id: created.body.id } }) })]);
    });

    it('answers 409 for an email or username taken in the tenant (case-insensitive) but not in another tenant', async () => {
      await call('POST', '/api/v1/users', { token: admin, body: { email: 'dup@example.com', username: 'dupe', password: PASSWORD } });
      const sameEmail = await call('POST', '/api/v1/users', { token: admin, body: { email: 'DUP@example.com', password: PASSWORD } });
      expect(sameEmail.status).toBe(409);
      expect(sameEmail.body.error).toMatchObject({ code: 'CONFLICT', details: [{ field: 'email', message: 'is already taken' }] });
      const sameUsername = await call('POST', '/api/v1/users', { token: admin, body: { email: 'other@example.com', username: 'DUPE', password: PASSWORD } });
      expect(sameUsername.status).toBe(409);
      expect(sameUsername.body.error?.details).toEqual([{ field: 'username', message: 'is already taken' }]);
      const otherTenant = await newTenant();
      const elsewhere = await call('POST', '/api/v1/users', { token: await sign({ tenantId: otherTenant, userId: randomUUID(), permissions: ADMIN }), body: { email: 'dup@example.com', password: PASSWORD } });
      expect(elsewhere.status).toBe(201);
    });

    it.each([
      ['a breached password', { email: 'weak@example.com', password: 'Password123!' }, 'password'],
      ['a short password', { email: 'weak@example.com', password: 'Ab1!' }, 'password'],
      ['a password over 72 bytes', { email: 'weak@example.com', password: 'Ωmega-Vx9!kq2#Lm'.repeat(5) }, 'password'],
      ['an unknown role', { email: 'weak@example.com', password: PASSWORD, roles: ['wizard'] }, 'roles'],
      ['an unknown field', { email: 'weak@example.com', password: PASSWORD, is_admin: true }, 'is_admin'],
      ['a bad email', { email: 'not-an-email', password: PASSWORD }, 'email'],
      ['a boolean of the wrong type', { email: 'weak@example.com', password: PASSWORD, is_active: 'yes' }, 'is_active'],
      ['roles of the wrong type', { email: 'weak@example.com', password: PASSWORD, roles: 'admin' }, 'roles'],
      ['a malformed tenant id', { email: 'weak@example.com', password: PASSWORD, tenant_id: 'abc' }, 'tenant_id'],
      ['a null username', { email: 'weak@example.com', password: PASSWORD, username: null }, 'username'],
    ])('refuses %s with a field error and creates nothing', async (_name, body, field) => {
      const answer = await call('POST', '/api/v1/users', { token: admin, body });
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe('VALIDATION_ERROR');
      expect(answer.body.error?.details.map((d) => d.field)).toContain(field);
      expect(JSON.stringify(answer.body)).not.toContain('Password123!');
      expect(await dataSource.query("SELECT id FROM directory.users WHERE email = 'weak@example.com'")).toEqual([]);
    });

    it('assigns named roles and refuses roles that hold more than the caller', async () => {
      const created = await call<UserV1Body>('POST', '/api/v1/users', { token: admin, body: { email: 'second-admin@example.com', password: PASSWORD, roles: ['Admin', 'user'] } });
      expect(created.status).toBe(201);
      expect(created.body.roles.sort()).toEqual(['admin', 'user']);
      expect(created.body.permissions).toEqual(expect.arrayContaining(['users:*', 'tenants:read']));
      const escalation = await call('POST', '/api/v1/users', { token: admin, body: { email: 'evil@example.com', password: PASSWORD, roles: ['super-admin'] } });
      expect(escalation.status).toBe(403);
      expect(await dataSource.query("SELECT id FROM directory.users WHERE email = 'evil@example.com'")).toEqual([]);
    });

    it('reads, updates and deletes a user, with events naming only the changed fields', async () => {
      const created = await call<UserV1Body>('POST', '/api/v1/users', { token: admin, body: { email: 'cycle@example.com', password: PASSWORD, first_name: 'Cy', email_verified: true } });
      const id = created.body.id;
      const read = await call<UserV1Body>('GET', `/api/v1/users/${id}`, { token: admin });
      expect(read.body).toEqual(created.body);

      const updated = await call<UserV1Body>('PUT', `/api/v1/users/${id}`, { token: admin, body: { email: 'cycle2@example.com', last_name: 'Cle', first_name: 'Cy', roles: ['admin'] } });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ email: 'cycle2@example.com', email_verified: false, first_name: 'Cy', last_name: 'Cle', full_name: 'Cy Cle', roles: ['admin'] });
      expect(Date.parse(updated.body.updated_at)).toBeGreaterThan(Date.parse(created.body.updated_at));
      const events = await outboxEvents(id);
      expect(events.map((e) => e.topic)).toEqual(['user.created', 'user.updated']);
      expect(events[1].envelope.data).toEqual({ user_id: id, changed_fields: ['email', 'last_name', 'email_verified', 'roles'] });

      const unchanged = await call<UserV1Body>('PUT', `/api/v1/users/${id}`, { token: admin, body: { first_name: 'Cy' } });
      expect(unchanged.status).toBe(200);
      expect(await outboxEvents(id)).toHaveLength(2);

      const password = await call('PUT', `/api/v1/users/${id}`, { token: admin, body: { password: 'Another#Strong-Secret9' } });
      expect(password.status).toBe(200);
      expect((await outboxEvents(id))[2].envelope.data).toEqual({ user_id: id, changed_fields: ['password'] });

      const cleared = await call<UserV1Body>('PUT', `/api/v1/users/${id}`, { token: admin, body: { last_name: null } });
      expect(cleared.body).toMatchObject({ last_name: null, full_name: 'Cy' });

      for (const body of [{ email: null }, { is_active: 'no' }, { roles: [1] }, { tenant_id: tenantId }, { password: 'qwerty123' }]) {
        const bad = await call('PUT', `/api/v1/users/${id}`, { token: admin, body });
        expect(bad.status).toBe(400);
      }
      expect((await call<UserV1Body>('GET', `/api/v1/users/${id}`, { token: admin })).body.email).toBe('cycle2@example.com');

      expect((await call('DELETE', `/api/v1/users/${id}`, { token: await sign({ tenantId, userId: randomUUID(), permissions: ['users:read', 'users:write'] }) })).status).toBe(403);
      const deleted = await call('DELETE', `/api/v1/users/${id}`, { token: admin });
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expect(await dataSource.query('SELECT 1 FROM directory.users WHERE id = $1', [id])).toEqual([]);
      expect(await dataSource.query('SELECT 1 FROM directory.password_credentials WHERE user_id = $1', [id])).toEqual([]);
      expect(await dataSource.query('SELECT 1 FROM directory.user_roles WHERE user_id = $1', [id])).toEqual([]);
      expect((await outboxEvents(id)).at(-1)).toMatchObject({ topic: 'user.deleted', envelope: { data: { user_id: id } } });
      expect((await call('GET', `/api/v1/users/${id}`, { token: admin })).status).toBe(404);
      expect((await call('DELETE', `/api/v1/users/${id}`, { token: admin })).status).toBe(404);
    });

    it('keeps an admin from changing or deleting a super-admin', async () => {
      const superAdmin = await sign({ tenantId, userId: randomUUID(), permissions: ['*'] });
      const top = await call<UserV1Body>('POST', '/api/v1/users', { token: superAdmin, body: { email: 'top@example.com', password: PASSWORD, roles: ['super-admin'] } });
      expect(top.status).toBe(201);
      expect((await call('PUT', `/api/v1/users/${top.body.id}`, { token: admin, body: { is_active: false } })).status).toBe(403);
      expect((await call('DELETE', `/api/v1/users/${top.body.id}`, { token: admin })).status).toBe(403);
      expect((await call<UserV1Body>('GET', `/api/v1/users/${top.body.id}`, { token: admin })).body.is_active).toBe(true);
    });

    it('answers 404 for malformed ids and 401/403 without a token or permission', async () => {
      expect((await call('GET', '/api/v1/users/12345', { token: admin })).status).toBe(404);
      expect((await call('PUT', '/api/v1/users/12345', { token: admin, body: {} })).status).toBe(404);
      expect((await call('DELETE', '/api/v1/users/12345', { token: admin })).status).toBe(404);
      const none = await call('GET', '/api/v1/users');
      expect(none.status).toBe(401);
      expect(none.body.error?.code).toBe('AUTHENTICATION_REQUIRED');
      const plainUser = await sign({ tenantId, userId: randomUUID(), permissions: [] });
      expect((await call('GET', '/api/v1/users', { token: plainUser })).status).toBe(403);
      expect((await call('POST', '/api/v1/users', { token: plainUser, body: { email: 'x@example.com', password: PASSWORD } })).status).toBe(403);
    });
  });

  describe('tenant isolation', () => {
    it('keeps tenant B users out of reach of tenant A admins on every route', async () => {
      const tenantA = await newTenant();
      const tenantB = await newTenant();
      const adminA = await sign({ tenantId: tenantA, userId: randomUUID(), permissions: ADMIN });
      const adminB = await sign({ tenantId: tenantB, userId: randomUUID(), permissions: ADMIN });
      const victim = await call<UserV1Body>('POST', '/api/v1/users', { token: adminB, body: { email: 'victim@example.com', password: PASSWORD } });
      const id = victim.body.id;

      expect((await call('GET', `/api/v1/users/${id}`, { token: adminA })).status).toBe(404);
      expect((await call('PUT', `/api/v1/users/${id}`, { token: adminA, body: { first_name: 'Owned' } })).status).toBe(404);
      expect((await call('DELETE', `/api/v1/users/${id}`, { token: adminA })).status).toBe(404);
      expect((await call('PUT', `/api/admin/users/${id}`, { token: adminA, body: { firstName: 'Owned' } })).status).toBe(404);
      expect((await call('DELETE', `/api/admin/users/${id}`, { token: adminA })).status).toBe(404);
      const listA = await call<ListBody>('GET', '/api/v1/users?filter=email:victim@example.com', { token: adminA });
      expect(listA.body.data).toEqual([]);
      const adminListA = await call<{ users: unknown[] }>('GET', '/api/admin/users?search=victim', { token: adminA });
      expect(adminListA.body.users).toEqual([]);
      for (const [method, path, body] of [
        ['GET', `/api/v1/users?tenant_id=${tenantB}`, undefined],
        ['GET', `/api/v1/users/${id}?tenant_id=${tenantB}`, undefined],
        ['PUT', `/api/v1/users/${id}?tenant_id=${tenantB}`, { first_name: 'Owned' }],
        ['DELETE', `/api/v1/users/${id}?tenant_id=${tenantB}`, undefined],
        ['POST', '/api/v1/users', { email: 'planted@example.com', password: PASSWORD, tenant_id: tenantB }],
      ] as const) {
        const answer = await call(method, path, { token: adminA, body });
        expect([method, path, answer.status]).toEqual([method, path, 403]);
      }
      const intact = await call<UserV1Body>('GET', `/api/v1/users/${id}`, { token: adminB });
      expect(intact.body).toEqual(victim.body);
      expect(await dataSource.query("SELECT 1 FROM directory.users WHERE email = 'planted@example.com'")).toEqual([]);

      const viaOperator = await call<UserV1Body>('GET', `/api/v1/users/${id}?tenant_id=${tenantB}`, { token: await operator() });
      expect(viaOperator.body.id).toBe(id);
    });
  });

  describe('listing', () => {
    let tenantId: string;
    let admin: string;

    beforeAll(async () => {
      tenantId = await newTenant();
      admin = await sign({ tenantId, userId: randomUUID(), permissions: ADMIN });
      await insertUsers(tenantId, 250, 'list');
    });

    it('pages with exact totals, sorts and filters', async () => {
      const first = await call<ListBody>('GET', '/api/v1/users?page=1&size=100', { token: admin });
      expect(first.body.pagination).toEqual({ page: 1, limit: 100, size: 100, total: 250, total_pages: 3 });
      const last = await call<ListBody>('GET', '/api/v1/users?page=3&limit=100', { token: admin });
      expect(last.body.data).toHaveLength(50);
      const beyond = await call<ListBody>('GET', '/api/v1/users?page=9&limit=100', { token: admin });
      expect(beyond.body).toMatchObject({ data: [], pagination: { total: 250, total_pages: 3 } });
      const ids = new Set([...first.body.data, ...last.body.data, ...(await call<ListBody>('GET', '/api/v1/users?page=2&limit=100', { token: admin })).body.data].map((u) => u.id));
      expect(ids.size).toBe(250);

      const ascending = await call<ListBody>('GET', '/api/v1/users?filter=search:needle&sort=email:asc&size=100', { token: admin });
      const descending = await call<ListBody>('GET', '/api/v1/users?filter=search:needle&sort=email:desc&size=100', { token: admin });
      expect(descending.body.data.map((u) => u.email)).toEqual(ascending.body.data.map((u) => u.email).reverse());
      expect(new Set(ascending.body.data.map((u) => u.email)).size).toBe(25);
      const newest = await call<ListBody>('GET', '/api/v1/users?sort=created_at:desc&size=1', { token: admin });
      expect(newest.body.data[0].email).toBe('list1@bulk.test');

      const needles = await call<ListBody>('GET', '/api/v1/users?filter=search:NEEDLE&size=100', { token: admin });
      expect(needles.body.pagination.total).toBe(25);
      expect(needles.body.data.every((u) => u.last_name === 'Needle')).toBe(true);
      const one = await call<ListBody>('GET', '/api/v1/users?filter=search:list137@,is_active:true', { token: admin });
      expect(one.body.data.map((u) => u.email)).toEqual(['list137@bulk.test']);
      const literal = await call<ListBody>('GET', '/api/v1/users?filter=search:%25', { token: admin });
      expect(literal.body.pagination.total).toBe(0);
      expect((await call<ListBody>('GET', '/api/v1/users?filter=role:nobody', { token: admin })).body.pagination.total).toBe(0);
      expect((await call<ListBody>('GET', '/api/v1/users?filter=is_active:false', { token: admin })).body.pagination.total).toBe(0);
    });

    it.each([
      ['size=0'],
      ['size=101'],
      ['limit=0'],
      ['limit=101'],
      ['page=0'],
      ['page=abc'],
      ['size=10&limit=20'],
      ['sort=email'],
      ['sort=password:asc'],
      ['sort=email:sideways'],
      ['filter=is_active'],
      ['filter=secret:x'],
      ['filter=is_active:maybe'],
      ['tenant_id=nope'],
      ['unknown=1'],
      ['page=1&page=2'],
    ])('refuses %s with 400', async (query) => {
      const answer = await call('GET', `/api/v1/users?${query}`, { token: admin });
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe('VALIDATION_ERROR');
    });

    it('keeps the per-tenant counter exact through inserts and deletes', async () => {
      const counted: Array<{ n: string }> = await dataSource.query('SELECT user_count AS n FROM directory.tenant_user_counts WHERE tenant_id = $1', [tenantId]);
      expect(Number(counted[0].n)).toBe(250);
      await dataSource.query("DELETE FROM directory.users WHERE tenant_id = $1 AND email LIKE 'list1__@bulk.test'", [tenantId]);
      const after = await call<ListBody>('GET', '/api/v1/users?size=10', { token: admin });
      expect(after.body.pagination.total).toBe(150);
      await insertUsers(tenantId, 100, 'again');
      expect((await call<ListBody>('GET', '/api/v1/users?size=10', { token: admin })).body.pagination.total).toBe(250);
    });

    it('reads pages past the middle backwards and still answers them in order', async () => {
      const expected: Array<{ email: string }> = await dataSource.query('SELECT email FROM directory.users WHERE tenant_id = $1 ORDER BY lower(email) DESC', [tenantId]);
      const pages: string[] = [];
      for (const page of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]) {
        const answer = await call<ListBody>('GET', `/api/v1/users?page=${page}&size=20&sort=email:desc`, { token: admin });
        pages.push(...answer.body.data.map((u) => u.email));
      }
      expect(pages).toEqual(expected.map((r) => r.email));
      const last = await call<ListBody>('GET', '/api/v1/users?page=13&size=20&sort=created_at:asc', { token: admin });
      const newest: Array<{ id: string }> = await dataSource.query('SELECT id FROM directory.users WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 10', [tenantId]);
      expect(last.body.data.map((u) => u.id)).toEqual(newest.map((r) => r.id).reverse());
    });

    it('matches the start of the email or a name for terms of one or two characters', async () => {
      expect((await call<ListBody>('GET', '/api/v1/users?filter=search:fi', { token: admin })).body.pagination.total).toBe(250);
      expect((await call<ListBody>('GET', '/api/v1/users?filter=search:ir', { token: admin })).body.pagination.total).toBe(0);
      expect((await call<ListBody>('GET', '/api/v1/users?filter=search:irst', { token: admin })).body.pagination.total).toBe(250);
      expect((await call<ListBody>('GET', '/api/v1/users?filter=search:n', { token: admin })).body.pagination.total).toBe(25);
      expect((await call<ListBody>('GET', '/api/v1/users?filter=search:_', { token: admin })).body.pagination.total).toBe(0);
    });

    it('estimates the total of a filtered list in a large tenant past the counting cap, and counts exactly below it', async () => {
      const big = await newTenant();
      const size = EXACT_TOTALS_UP_TO + 1000;
      await insertUsers(big, size, 'big');
      await dataSource.query('ANALYZE directory.users');
      const token = await sign({ tenantId: big, userId: randomUUID(), permissions: ADMIN });
      const all = await call<ListBody>('GET', '/api/v1/users?size=10', { token });
      expect(all.body.pagination).toEqual({ page: 1, limit: 10, size: 10, total: size, total_pages: size / 10 });
      const active = await call<ListBody>('GET', '/api/v1/users?size=10&filter=is_active:true', { token });
      expect(active.body.pagination.total_is_estimate).toBe(true);
      expect(active.body.pagination.total).toBeGreaterThan(ESTIMATED_COUNT_CAP);
      const needles = await call<ListBody>('GET', '/api/v1/users?size=10&filter=search:needle', { token });
      expect(needles.body.pagination).toMatchObject({ total_is_estimate: true });
      const few = await call<ListBody>('GET', '/api/v1/users?size=10&filter=search:big1000', { token });
      expect(few.body.pagination).toEqual({ page: 1, limit: 10, size: 10, total: 11, total_pages: 2 });
      const last = await call<ListBody>('GET', `/api/v1/users?size=100&page=${size / 100}`, { token });
      expect(last.body.data.map((u) => u.email)).toEqual(Array.from({ length: 100 }, (_, i) => `big${100 - i}@bulk.test`));
    });
  });

  describe('users under /api/admin (seed 002)', () => {
    let tenantId: string;
    let admin: string;

    beforeAll(async () => {
      tenantId = await newTenant();
      admin = await sign({ tenantId, userId: randomUUID(), permissions: ADMIN });
    });

    it('creates, lists, updates and deletes in the seed 002 envelope', async () => {
      const created = await call<{ success: boolean; user: Record<string, unknown>; message: string }>('POST', '/api/admin/users', {
        token: admin,
        body: { email: 'newuser@example.com', firstName: 'Jane', lastName: 'Smith', password: PASSWORD, role: 'user', isActive: true, sendWelcomeEmail: true },
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        success: true,
        user: {
          id: expect.any(String),
          email: 'newuser@example.com',
          username: 'newuser@example.com',
          firstName: 'Jane',
          lastName: 'Smith',
          role: 'user',
          roles: ['user'],
          permissions: [],
          isActive: true,
          isVerified: false,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
          lastLogin: null,
        },
        message: 'User created successfully',
      });
      const id = created.body.user['id'] as string;
      await call('POST', '/api/admin/users', { token: admin, body: { email: 'john.doe@example.com', firstName: 'John', lastName: 'Doe', password: PASSWORD, role: 'admin' } });
      await call('POST', '/api/admin/users', { token: admin, body: { email: 'idle@example.com', firstName: 'Johnny', password: PASSWORD, isActive: false } });

      const listed = await call<{ success: boolean; users: Array<Record<string, unknown>>; pagination: unknown; message: string }>('GET', '/api/admin/users?page=1&limit=10&search=john&role=user&isActive=false', { token: admin });
      expect(listed.body).toEqual({ success: true, users: [expect.objectContaining({ email: 'idle@example.com', role: 'user' })], pagination: { page: 1, limit: 10, total: 1, totalPages: 1 }, message: 'Users retrieved successfully' });
      const admins = await call<{ users: Array<Record<string, unknown>> }>('GET', '/api/admin/users?role=admin', { token: admin });
      expect(admins.body.users.map((u) => u['email'])).toEqual(['john.doe@example.com']);
      expect((await call('GET', '/api/admin/users?isActive=yes', { token: admin })).body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
      expect((await call('GET', '/api/admin/users?limit=101', { token: admin })).status).toBe(400);

      const updated = await call<{ success: boolean; user: Record<string, unknown>; message: string }>('PUT', `/api/admin/users/${id}`, {
        token: admin,
        body: { firstName: 'Jane', lastName: 'Doe', role: 'admin', isActive: true },
      });
      expect(updated.body).toMatchObject({ success: true, user: { id, lastName: 'Doe', role: 'admin', roles: ['admin'] }, message: 'User updated successfully' });
      const badRole = await call('PUT', `/api/admin/users/${id}`, { token: admin, body: { role: 'wizard' } });
      expect(badRole.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR', details: { field: 'role' } });
      const weak = await call('POST', '/api/admin/users', { token: admin, body: { email: 'weak@example.com', password: 'password123' } });
      expect(weak.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR', details: { field: 'password' } });
      const duplicate = await call('POST', '/api/admin/users', { token: admin, body: { email: 'NEWUSER@example.com', password: PASSWORD } });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toMatchObject({ success: false, code: 'CONFLICT' });

      const deleted = await call('DELETE', `/api/admin/users/${id}`, { token: admin });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ success: true, message: 'User deleted successfully' });
      expect((await call('DELETE', `/api/admin/users/${id}`, { token: admin })).body).toMatchObject({ success: false, code: 'RESOURCE_NOT_FOUND' });
      expect((await call('GET', '/api/admin/users')).body).toMatchObject({ success: false, code: 'INVALID_TOKEN' });
    });
  });

  describe('profile (/api/v1/me)', () => {
    it('reads and changes the caller own profile and roles, and nothing else', async () => {
      const tenantId = await newTenant();
      const admin = await sign({ tenantId, userId: randomUUID(), permissions: ADMIN });
      const me = await call<UserV1Body>('POST', '/api/v1/users', { token: admin, body: { email: 'me@example.com', password: PASSWORD, first_name: 'Old' } });
      const token = await sign({ tenantId, userId: me.body.id, permissions: [] });
      const profile = await call<UserV1Body>('GET', '/api/v1/me', { token });
      expect(profile.body).toEqual(me.body);
      const changed = await call<UserV1Body>('PATCH', '/api/v1/me', { token, body: { fullName: 'John Doe' } });
      expect(changed.body).toMatchObject({ first_name: 'John', last_name: 'Doe', full_name: 'John Doe' });
      const snake = await call<UserV1Body>('PATCH', '/api/v1/me', { token, body: { first_name: 'Jo', username: 'jo' } });
      expect(snake.body).toMatchObject({ first_name: 'Jo', last_name: 'Doe', username: 'jo' });
      for (const body of [{ roles: ['admin'] }, { email_verified: true }, { email: 'x@example.com' }, { is_active: false }]) {
        expect((await call('PATCH', '/api/v1/me', { token, body })).status).toBe(400);
      }
      const roles = await call('GET', '/api/v1/me/roles', { token });
      expect(roles.body).toEqual({ user_id: me.body.id, roles: [{ id: expect.any(String), name: 'user', slug: 'user' }], permissions: [] });
      expect((await call('GET', '/api/v1/me', { token: await sign({ tenantId, permissions: ['*'] }) })).status).toBe(403);
      expect((await call('GET', '/api/v1/me')).status).toBe(401);
    });
  });
});
