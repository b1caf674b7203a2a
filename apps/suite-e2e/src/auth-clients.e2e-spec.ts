import { DirectoryBootstrapRepository } from '@sigma/directory/data-access';
import { DistributedSuite, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { hashToken } from '@sigma/shared/util-crypto';
import { hash } from 'bcrypt';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

jest.setTimeout(240000);

const PASSWORD = 'e2e client registry password';
const BOOTSTRAP_PASSWORD = 'bootstrap super admin password';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  list: Array<Record<string, unknown>>;
}

interface TenantFixture {
  id: string;
  admin: string;
  member: string;
}

const SEED_000_FIELDS = ['id', 'client_id', 'client_name', 'client_type', 'redirect_uris', 'allowed_grant_types', 'allowed_scopes', 'is_active', 'created_at'];
const SEED_002_FIELDS = ['id', 'name', 'slug', 'description', 'type', 'status', 'url', 'clientId', 'callbackUrls', 'allowedOrigins', 'settings', 'branding', 'statistics', 'createdAt', 'updatedAt'];
const SEED_003_FIELDS = ['client_id', 'name', 'redirect_uris', 'allowed_scopes', 'created_at'];

/**
 * The OAuth client registry end to end: the five apps as processes over real PostgreSQL and
 * Kafka, called through the gateway with tokens from the real login and API keys from the
 * directory, in the shapes of seeds 000, 002 and 003.
 */
describe('OAuth client registry through the gateway', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let db: DataSource;
  let gateway: string;
  let defaultTenant: string;
  let superAdmin: string;
  let other: TenantFixture;

  async function call(method: string, path: string, auth: { token?: string; apiKey?: string } = {}, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (auth.token) headers['authorization'] = `Bearer ${auth.token}`;
    if (auth.apiKey) headers['x-api-key'] = auth.apiKey;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${gateway}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let parsed: unknown = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { text };
    }
    return {
      status: response.status,
      headers: response.headers,
      body: Array.isArray(parsed) ? {} : (parsed as Record<string, unknown>),
      list: Array.isArray(parsed) ? (parsed as Array<Record<string, unknown>>) : [],
    };
  }

  async function tokenOf(username: string, password: string, tenantId?: string): Promise<string> {
    const answer = await call('POST', '/api/v1/auth/login', {}, { username, password, ...(tenantId ? { tenant_id: tenantId } : {}) });
    expect(answer).toMatchObject({ status: 200, body: { access_token: expect.any(String) } });
    return answer.body['access_token'] as string;
  }

  async function tenantFixture(label: string): Promise<TenantFixture> {
    const id = randomUUID();
    const passwordHash = await hash(PASSWORD, 10);
    await db.transaction(async (manager) => {
      await manager.query('INSERT INTO directory.tenants (id, name, slug) VALUES ($1, $2, $3)', [id, `Tenant ${label}`, `e2e-${label}-${id.slice(0, 8)}`]);
      const repository = new DirectoryBootstrapRepository(manager);
      const roles = await repository.ensureSystemRoles(id);
      await repository.createUserWithPassword({ tenantId: id, email: `admin-${label}@example.test`, passwordHash, roleIds: [roles.get('admin') ?? ''] });
      await repository.createUserWithPassword({ tenantId: id, email: `member-${label}@example.test`, passwordHash, roleIds: [roles.get('user') ?? ''] });
    });
    return { id, admin: await tokenOf(`admin-${label}@example.test`, PASSWORD, id), member: await tokenOf(`member-${label}@example.test`, PASSWORD, id) };
  }

  async function apiKeyOf(tenantId: string): Promise<string> {
    const answer = await call('POST', `/api/v1/tenants/${tenantId}/api-keys`, { token: superAdmin }, { name: 'e2e clients' });
    expect(answer).toMatchObject({ status: 201, body: { api_key: expect.any(String) } });
    return answer.body['api_key'] as string;
  }

  const clientsOf = async (tenantId: string): Promise<number> => (await db.query('SELECT count(*)::int AS n FROM auth.clients WHERE tenant_id = $1', [tenantId]))[0].n;
  const allClients = async (): Promise<number> => (await db.query('SELECT count(*)::int AS n FROM auth.clients'))[0].n;

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: BOOTSTRAP_PASSWORD });
    gateway = suite.gateway.url;
    db = new DataSource({ type: 'postgres', url: postgres.url });
    await db.initialize();
    defaultTenant = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'"))[0].id;
    superAdmin = await tokenOf('admin@sigma-iam.local', BOOTSTRAP_PASSWORD);
    other = await tenantFixture('b');
  });

  afterAll(async () => {
    await db?.destroy();
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  describe('seed 000: /api/v1/applications', () => {
    it('creates an application (201 ApplicationResponse) and shows its secret only once', async () => {
      const created = await call('POST', '/api/v1/applications', { token: superAdmin }, {
        client_name: 'My Application',
        client_type: 'confidential',
        redirect_uris: ['https://myapp.com/callback'],
        allowed_grant_types: ['authorization_code', 'refresh_token'],
        allowed_scopes: ['read', 'write'],
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      expect(created.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        client_id: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        client_name: 'My Application',
        client_type: 'confidential',
        redirect_uris: ['https://myapp.com/callback'],
        allowed_grant_types: ['authorization_code', 'refresh_token'],
        allowed_scopes: ['read', 'write'],
        is_active: true,
        token_endpoint_auth_method: 'client_secret_basic',
        require_pkce: true,
      });
      expect(new Date(created.body['created_at'] as string).getTime()).toBeGreaterThan(Date.now() - 60000);
      const secret = created.body['client_secret'] as string;

      // Stored hashed, never in clear.
      const rows = await db.query('SELECT tenant_id, secret_hash FROM auth.clients WHERE client_id = $1', [created.body['client_id']]);
      expect(rows).toEqual([{ tenant_id: defaultTenant, secret_hash: hashToken(secret) }]);

      const listed = await call('GET', '/api/v1/applications?page=1&size=100', { token: superAdmin });
      expect(listed.status).toBe(200);
      const item = (listed.body['data'] as Array<Record<string, unknown>>).find((app) => app['id'] === created.body['id']);
      expect(item).toBeDefined();
      for (const field of SEED_000_FIELDS) expect(item).toHaveProperty(field, created.body[field]);
      expect(item).not.toHaveProperty('client_secret');
      expect(JSON.stringify(listed.body)).not.toContain(secret);
    });

    it('pages the list like the users list', async () => {
      for (const name of ['Paged one', 'Paged two', 'Paged three']) {
        expect((await call('POST', '/api/v1/applications', { token: superAdmin }, { client_name: name, redirect_uris: ['https://paged.example/cb'] })).status).toBe(201);
      }
      const total = await clientsOf(defaultTenant);
      const page = await call('GET', '/api/v1/applications?page=2&size=2', { token: superAdmin });
      expect(page).toMatchObject({ status: 200, body: { pagination: { page: 2, limit: 2, size: 2, total, total_pages: Math.ceil(total / 2) } } });
      expect(page.body['data']).toHaveLength(2);
      const first = await call('GET', '/api/v1/applications?page=1&size=2', { token: superAdmin });
      const ids = (answer: Answer) => (answer.body['data'] as Array<{ id: string }>).map((app) => app.id);
      expect(ids(first)).not.toEqual(expect.arrayContaining(ids(page)));
      expect((await call('GET', '/api/v1/applications?size=101', { token: superAdmin })).status).toBe(400);
    });

    it('creates public clients without a secret and with PKCE required', async () => {
      const created = await call('POST', '/api/v1/applications', { token: superAdmin }, {
        client_name: 'Native app',
        client_type: 'public',
        app_type: 'mobile',
        redirect_uris: ['com.example.native:/oauth2redirect', 'http://127.0.0.1/callback'],
      });
      expect(created).toMatchObject({ status: 201, body: { client_type: 'public', client_secret: null, token_endpoint_auth_method: 'none', require_pkce: true } });
    });

    it('answers 401 without a token and 403 without applications permissions, in the Sigma body', async () => {
      const anonymous = await call('GET', '/api/v1/applications');
      expect(anonymous).toMatchObject({ status: 401, body: { error: { code: 'AUTHENTICATION_REQUIRED', request_id: expect.any(String) } } });
      expect((await call('POST', '/api/v1/applications', {}, { client_name: 'x' })).status).toBe(401);
      expect((await call('GET', '/api/v1/applications', { token: 'not.a.token' })).status).toBe(401);
      const before = await allClients();
      const member = await call('POST', '/api/v1/applications', { token: other.member }, { client_name: 'Sneaky', redirect_uris: ['https://a.example/cb'] });
      expect(member).toMatchObject({ status: 403, body: { error: { code: 'INSUFFICIENT_PERMISSIONS' } } });
      expect((await call('GET', '/api/v1/applications', { token: other.member })).status).toBe(403);
      expect(await allClients()).toBe(before);
    });

    it.each([
      ['an unknown field', { client_name: 'Bad', redirect_uris: ['https://a.example/cb'], is_admin: true }, 'is_admin'],
      ['http on a public host', { client_name: 'Bad', redirect_uris: ['http://evil.example/cb'] }, 'redirect_uris'],
      ['a fragment', { client_name: 'Bad', redirect_uris: ['https://a.example/cb#frag'] }, 'redirect_uris'],
      ['an unsupported grant', { client_name: 'Bad', redirect_uris: ['https://a.example/cb'], allowed_grant_types: ['password'] }, 'allowed_grant_types'],
      ['implicit without allow_implicit', { client_name: 'Bad', redirect_uris: ['https://a.example/cb'], allowed_grant_types: ['implicit'] }, 'allowed_grant_types'],
      ['a public client with a secret method', { client_name: 'Bad', client_type: 'public', token_endpoint_auth_method: 'client_secret_post', redirect_uris: ['https://a.example/cb'] }, 'token_endpoint_auth_method'],
      ['a public client without PKCE', { client_name: 'Bad', client_type: 'public', require_pkce: false, redirect_uris: ['https://a.example/cb'] }, 'require_pkce'],
      ['private_key_jwt without keys', { client_name: 'Bad', token_endpoint_auth_method: 'private_key_jwt', redirect_uris: ['https://a.example/cb'] }, 'jwks'],
      ['a wrong type', { client_name: 'Bad', redirect_uris: 'https://a.example/cb' }, 'redirect_uris'],
      ['no name', { redirect_uris: ['https://a.example/cb'] }, 'client_name'],
    ])('refuses %s with 400 naming the field, and stores nothing', async (_name, body, field) => {
      const before = await allClients();
      const answer = await call('POST', '/api/v1/applications', { token: superAdmin }, body);
      expect(answer).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_ERROR', details: expect.arrayContaining([expect.objectContaining({ field })]) } } });
      expect(await allClients()).toBe(before);
    });

    it('refuses a slug already used in the tenant with 409', async () => {
      expect((await call('POST', '/api/v1/applications', { token: superAdmin }, { client_name: 'Portal', slug: 'portal', redirect_uris: ['https://p.example/cb'] })).status).toBe(201);
      const before = await allClients();
      const again = await call('POST', '/api/v1/applications', { token: superAdmin }, { client_name: 'Portal 2', slug: 'portal', redirect_uris: ['https://p.example/cb'] });
      expect(again).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
      expect(await allClients()).toBe(before);
      // Another tenant may use the same slug.
      expect((await call('POST', '/api/v1/applications', { token: other.admin }, { client_name: 'Portal', slug: 'portal', redirect_uris: ['https://p.example/cb'] })).status).toBe(201);
    });
  });

  describe('seed 002: /api/admin/identity/applications', () => {
    const seedBody = {
      name: 'New Application',
      slug: 'new-app',
      description: 'A new application for testing',
      type: 'web',
      url: 'https://newapp.com',
      callbackUrls: ['https://newapp.com/auth/callback'],
      allowedOrigins: ['https://newapp.com'],
      settings: { allowRegistration: false, requireEmailVerification: true, defaultRole: 'user', sessionTimeout: 3600, maxSessions: 2 },
      branding: { primaryColor: '#f59e0b', secondaryColor: '#64748b' },
    };

    it("registers the seed's example: 201, pending, clientId and clientSecret shown once", async () => {
      const created = await call('POST', '/api/admin/identity/applications', { token: superAdmin }, seedBody);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        success: true,
        message: 'Application registered successfully',
        application: {
          id: expect.any(String),
          name: 'New Application',
          slug: 'new-app',
          description: 'A new application for testing',
          type: 'web',
          status: 'pending',
          url: 'https://newapp.com',
          clientId: expect.any(String),
          clientSecret: expect.any(String),
          callbackUrls: ['https://newapp.com/auth/callback'],
          allowedOrigins: ['https://newapp.com'],
          settings: seedBody.settings,
          branding: { ...seedBody.branding, logoUrl: null },
          statistics: { totalUsers: 0, activeUsers: 0, totalLogins: 0, lastLogin: null },
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
      });
      const application = created.body['application'] as Record<string, unknown>;

      const listed = await call('GET', '/api/admin/identity/applications?status=pending&type=web', { token: superAdmin });
      expect(listed).toMatchObject({ status: 200, body: { success: true, message: 'Applications retrieved successfully', total: expect.any(Number) } });
      const applications = listed.body['applications'] as Array<Record<string, unknown>>;
      expect(listed.body['total']).toBe(applications.length);
      expect(applications.every((app) => app['status'] === 'pending' && app['type'] === 'web')).toBe(true);
      const item = applications.find((app) => app['id'] === application['id']);
      for (const field of SEED_002_FIELDS) expect(item).toHaveProperty(field, application[field]);
      expect(item).not.toHaveProperty('clientSecret');
      expect(JSON.stringify(listed.body)).not.toContain(application['clientSecret'] as string);
      expect((await call('GET', '/api/admin/identity/applications?status=active', { token: superAdmin })).body['applications']).not.toContainEqual(
        expect.objectContaining({ id: application['id'] }),
      );
    });

    it('counts statistics from the sign-in ledger', async () => {
      const created = await call('POST', '/api/admin/identity/applications', { token: superAdmin }, { name: 'Counted', status: 'active', callbackUrls: ['https://c.example/cb'] });
      expect(created.status).toBe(201);
      const clientId = (created.body['application'] as { clientId: string }).clientId;
      const [alice, bob] = [randomUUID(), randomUUID()];
      for (const [user, daysAgo] of [[alice, 0], [alice, 1], [bob, 45]] as const) {
        await db.query(`INSERT INTO auth.client_sign_ins (tenant_id, client_id, user_id, signed_in_at) VALUES ($1, $2, $3, now() - make_interval(days => $4))`, [
          defaultTenant,
          clientId,
          user,
          daysAgo,
        ]);
      }
      const listed = await call('GET', '/api/admin/identity/applications?status=active', { token: superAdmin });
      const item = (listed.body['applications'] as Array<{ clientId: string; statistics: Record<string, unknown> }>).find((app) => app.clientId === clientId);
      expect(item?.statistics).toMatchObject({ totalUsers: 2, activeUsers: 1, totalLogins: 3, lastLogin: expect.any(String) });
    });

    it('answers errors in the admin envelope: 401, 403, 400 (nothing stored) and 409', async () => {
      expect(await call('GET', '/api/admin/identity/applications')).toMatchObject({ status: 401, body: { success: false, code: 'INVALID_TOKEN', requestId: expect.any(String) } });
      expect(await call('POST', '/api/admin/identity/applications', { token: other.member }, seedBody)).toMatchObject({
        status: 403,
        body: { success: false, code: 'INSUFFICIENT_PERMISSIONS' },
      });
      const before = await allClients();
      const unknown = await call('POST', '/api/admin/identity/applications', { token: superAdmin }, { ...seedBody, slug: 'other-app', secretSauce: 1 });
      expect(unknown).toMatchObject({ status: 400, body: { success: false, code: 'VALIDATION_ERROR', details: { field: 'secretSauce' } } });
      const badCallback = await call('POST', '/api/admin/identity/applications', { token: superAdmin }, { ...seedBody, slug: 'other-app', callbackUrls: ['http://newapp.com/cb'] });
      expect(badCallback).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR', details: { field: 'callbackUrls' } } });
      expect((await call('GET', '/api/admin/identity/applications?status=deleted', { token: superAdmin })).status).toBe(400);
      expect(await allClients()).toBe(before);
      expect(await call('POST', '/api/admin/identity/applications', { token: superAdmin }, seedBody)).toMatchObject({ status: 409, body: { success: false, code: 'CONFLICT' } });
      expect(await allClients()).toBe(before);
    });
  });

  describe('tenant isolation', () => {
    it("never shows one tenant's applications to another tenant's admin", async () => {
      const mine = await call('POST', '/api/admin/identity/applications', { token: other.admin }, { name: 'Tenant B only', callbackUrls: ['https://b.example/cb'] });
      expect(mine.status).toBe(201);
      const bId = (mine.body['application'] as { id: string }).id;

      const asDefault = await call('GET', '/api/v1/applications?size=100', { token: superAdmin });
      expect((asDefault.body['data'] as Array<{ id: string }>).map((app) => app.id)).not.toContain(bId);
      const asDefaultAdmin = await call('GET', '/api/admin/identity/applications', { token: superAdmin });
      expect((asDefaultAdmin.body['applications'] as Array<{ id: string }>).map((app) => app.id)).not.toContain(bId);

      const asB = await call('GET', '/api/v1/applications?size=100', { token: other.admin });
      const bIds = (asB.body['data'] as Array<{ id: string }>).map((app) => app.id);
      expect(bIds).toContain(bId);
      expect(asB.body['pagination']).toMatchObject({ total: await clientsOf(other.id) });
      const tenantsOfB = await db.query('SELECT DISTINCT tenant_id FROM auth.clients WHERE id = ANY($1::uuid[])', [bIds]);
      expect(tenantsOfB).toEqual([{ tenant_id: other.id }]);
    });
  });

  describe('seed 003: /api/clients with X-API-Key', () => {
    let keyOfB: string;

    beforeAll(async () => {
      keyOfB = await apiKeyOf(other.id);
    });

    it("creates a client in the key's tenant, in the seed's shape, secret shown once", async () => {
      const created = await call('POST', '/api/clients', { apiKey: keyOfB }, { name: 'Seed 003 client', redirect_uris: ['https://s3.example/cb'], allowed_scopes: ['openid', 'profile'] });
      expect(created.status).toBe(200);
      expect(Object.keys(created.body).sort()).toEqual([...SEED_003_FIELDS, 'client_secret'].sort());
      expect(created.body).toMatchObject({
        client_id: expect.any(String),
        client_secret: expect.any(String),
        name: 'Seed 003 client',
        redirect_uris: ['https://s3.example/cb'],
        allowed_scopes: ['openid', 'profile'],
        created_at: expect.any(String),
      });
      const rows = await db.query('SELECT tenant_id, status FROM auth.clients WHERE client_id = $1', [created.body['client_id']]);
      expect(rows).toEqual([{ tenant_id: other.id, status: 'active' }]);

      const listed = await call('GET', '/api/clients', { apiKey: keyOfB });
      expect(listed.status).toBe(200);
      expect(listed.list).toHaveLength(await clientsOf(other.id));
      for (const client of listed.list) expect(Object.keys(client).sort()).toEqual([...SEED_003_FIELDS].sort());
      expect(listed.list).toContainEqual({ ...created.body, client_secret: undefined, created_at: created.body['created_at'] });
      expect(JSON.stringify(listed.list)).not.toContain(created.body['client_secret'] as string);
      // Only tenant B's clients: none of the default tenant's.
      const tenants = await db.query('SELECT DISTINCT tenant_id FROM auth.clients WHERE client_id = ANY($1::text[])', [listed.list.map((c) => c['client_id'])]);
      expect(tenants).toEqual([{ tenant_id: other.id }]);
    });

    it('answers 401 in the seed 003 body without a valid key, and 400 for bad input, storing nothing', async () => {
      const before = await allClients();
      const missing = await call('GET', '/api/clients');
      expect(missing).toMatchObject({ status: 401, body: { error: expect.any(String), error_description: expect.any(String) } });
      expect((await call('POST', '/api/clients', { apiKey: 'sk_not_a_real_key_0123456789' }, { name: 'x' })).status).toBe(401);
      expect((await call('POST', '/api/clients', { apiKey: `${keyOfB}x` }, { name: 'x' })).status).toBe(401);
      const bad = await call('POST', '/api/clients', { apiKey: keyOfB }, { name: 'x', redirect_uris: ['not a uri'] });
      expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: expect.stringContaining('redirect_uris') } });
      expect((await call('POST', '/api/clients', { apiKey: keyOfB }, { name: 'x', redirect_uris: ['https://a.example/cb'], owner: 'me' })).status).toBe(400);
      expect(await allClients()).toBe(before);
    });

    it('answers 503 while the directory cannot verify keys', async () => {
      await suite.services['user-directory'].stop();
      const answer = await call('GET', '/api/clients', { apiKey: keyOfB });
      expect(answer).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
      expect(answer.headers.get('retry-after')).toBe('5');
    });
  });
});
