import { DistributedSuite, eventually, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

jest.setTimeout(300000);

const BOOTSTRAP_PASSWORD = 'bootstrap super admin password';
const PASSWORD = 'Vx9!kq2#Lm-e2e-orbit';

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}
interface SigmaError {
  error: { code: string; message: string; details: Array<{ field: string; message: string }>; request_id: string; timestamp: string };
}
interface UserV1 {
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
interface UserList {
  data: UserV1[];
  pagination: { page: number; limit: number; size: number; total: number; total_pages: number; total_is_estimate?: boolean };
}
interface AdminList {
  success: boolean;
  users: Array<Record<string, unknown>>;
  pagination: { page: number; limit: number; total: number; totalPages: number };
  message: string;
}
interface TenantV1 {
  id: string;
  name: string;
  slug: string;
  domain: string | null;
  status: string;
  ip_allow_list: string[];
  redirect_domains: string[];
  rate_limit: { requests_per_minute: number | null; burst: number | null };
  token_lifetimes: { access_token: number; refresh_token: number; id_token: number };
  created_at: string;
  updated_at: string;
}
interface Party {
  id: string;
  email: string;
  token: string;
}
interface TenantFixture {
  tenant: TenantV1;
  admin: Party;
  member: Party;
}

/**
 * Users, tenants, tenant API keys and profiles end to end: the five apps as processes over real
 * PostgreSQL and Kafka, through the gateway, with tokens from the real login.
 */
describe('directory users, tenants and API keys through the gateway', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let db: DataSource;
  let gateway: string;
  let consumer: Consumer;
  const deletions: Array<{ tenant_id: string; subject: string; data: { user_id: string } }> = [];
  let operator: string;
  let a: TenantFixture;
  let b: TenantFixture;

  async function call<T = Record<string, unknown>>(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${gateway}${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
    const text = await response.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = { text };
    }
    return { status: response.status, body: body as T, headers: response.headers };
  }

  async function login(username: string, password: string, tenantId?: string): Promise<string> {
    const answer = await call<{ access_token: string }>('POST', '/api/v1/auth/login', { body: { username, password, ...(tenantId ? { tenant_id: tenantId } : {}) } });
    expect([answer.status, typeof answer.body.access_token]).toEqual([200, 'string']);
    return answer.body.access_token;
  }

  async function createUser(token: string, body: Record<string, unknown>): Promise<UserV1> {
    const answer = await call<UserV1>('POST', '/api/v1/users', { token, body: { password: PASSWORD, ...body } });
    expect(answer.status).toBe(201);
    return answer.body;
  }

  async function tenantFixture(label: string): Promise<TenantFixture> {
    const created = await call<TenantV1>('POST', '/api/v1/tenants', { token: operator, body: { name: `E2E ${label} ${randomUUID().slice(0, 6)}` } });
    expect(created.status).toBe(201);
    const tenant = created.body;
    const adminEmail = `admin-${label}@example.test`;
    const memberEmail = `member-${label}@example.test`;
    const admin = await createUser(operator, { email: adminEmail, roles: ['admin'], tenant_id: tenant.id });
    const member = await createUser(operator, { email: memberEmail, tenant_id: tenant.id });
    return {
      tenant,
      admin: { id: admin.id, email: adminEmail, token: await login(adminEmail, PASSWORD, tenant.id) },
      member: { id: member.id, email: memberEmail, token: await login(memberEmail, PASSWORD, tenant.id) },
    };
  }

  const count = async (sql: string, params: unknown[] = []): Promise<number> => ((await db.query(sql, params)) as Array<{ n: number }>)[0].n;
  const usersOfTenant = (tenantId: string) => count('SELECT count(*)::int AS n FROM directory.users WHERE tenant_id = $1', [tenantId]);
  const userRow = async (id: string) => ((await db.query('SELECT email, first_name, last_name, is_active, updated_at FROM directory.users WHERE id = $1', [id])) as unknown[])[0];

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: BOOTSTRAP_PASSWORD });
    gateway = suite.gateway.url;
    db = new DataSource({ type: 'postgres', url: postgres.url });
    await db.initialize();
    consumer = new Kafka({ clientId: 'e2e-directory-users', brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).consumer({ groupId: `e2e-users-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: 'user.deleted', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value) deletions.push(JSON.parse(message.value.toString()));
      },
    });
    operator = await login('admin@sigma-iam.local', BOOTSTRAP_PASSWORD);
    a = await tenantFixture('a');
    b = await tenantFixture('b');
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await db?.destroy();
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  describe('tenants (seed 004) with seed 003 configuration', () => {
    it('creates a tenant with its configuration and system roles, and refuses a taken slug', async () => {
      const created = await call<TenantV1>('POST', '/api/v1/tenants', {
        token: operator,
        body: { name: 'Acme Corp', domain: 'acme.example.com', status: 'active', ip_allow_list: ['203.0.113.0/24'], redirect_domains: ['*.acme.example.com'], rate_limit: { requests_per_minute: 300, burst: 20 } },
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'Acme Corp',
        slug: 'acme-corp',
        domain: 'acme.example.com',
        status: 'active',
        ip_allow_list: ['203.0.113.0/24'],
        redirect_domains: ['*.acme.example.com'],
        rate_limit: { requests_per_minute: 300, burst: 20 },
        token_lifetimes: { access_token: 900, refresh_token: 2592000, id_token: 900 },
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(await count('SELECT count(*)::int AS n FROM directory.roles WHERE tenant_id = $1 AND is_system', [created.body.id])).toBe(3);
      const again = await call<SigmaError>('POST', '/api/v1/tenants', { token: operator, body: { name: 'Acme Corp' } });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'CONFLICT', details: [{ field: 'slug', message: 'is already taken' }], request_id: expect.any(String) });
      const read = await call<TenantV1>('GET', `/api/v1/tenants/${created.body.id}`, { token: operator });
      expect(read.body).toEqual(created.body);
    });

    it('lists tenants for platform operators only, paginated like users', async () => {
      const total = await count('SELECT count(*)::int AS n FROM directory.tenants');
      const listed = await call<{ data: TenantV1[]; pagination: Record<string, number> }>('GET', '/api/v1/tenants?page=1&limit=2', { token: operator });
      expect(listed.status).toBe(200);
      expect(listed.body.pagination).toEqual({ page: 1, limit: 2, size: 2, total, total_pages: Math.ceil(total / 2) });
      expect(listed.body.data).toHaveLength(2);
      expect((await call('GET', '/api/v1/tenants', { token: a.admin.token })).status).toBe(403);
      expect((await call('POST', '/api/v1/tenants', { token: a.admin.token, body: { name: 'Mine' } })).status).toBe(403);
    });

    it('lets a tenant admin read its own tenant only', async () => {
      const own = await call<TenantV1>('GET', `/api/v1/tenants/${a.tenant.id}`, { token: a.admin.token });
      expect(own.status).toBe(200);
      expect(own.body.id).toBe(a.tenant.id);
      const other = await call<SigmaError>('GET', `/api/v1/tenants/${b.tenant.id}`, { token: a.admin.token });
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
      expect((await call('GET', `/api/v1/tenants/${a.tenant.id}`, { token: a.member.token })).status).toBe(403);
      expect((await call('GET', '/api/v1/tenants/not-a-uuid', { token: operator })).status).toBe(404);
    });

    it('refuses bad tenant input in the Sigma body and creates nothing', async () => {
      const before = await count('SELECT count(*)::int AS n FROM directory.tenants');
      for (const body of [{ name: 'X', plan: 'gold' }, { name: 'X', ip_allow_list: ['300.1.1.1'] }, { name: 'X', token_lifetimes: { access_token: 'long' } }, { name: 7 }, {}]) {
        const answer = await call<SigmaError>('POST', '/api/v1/tenants', { token: operator, body });
        expect(answer.status).toBe(400);
        expect(answer.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: expect.arrayContaining([expect.objectContaining({ field: expect.any(String) })]) });
      }
      expect(await count('SELECT count(*)::int AS n FROM directory.tenants')).toBe(before);
    });
  });

  describe('tenant API keys (seed 003)', () => {
    it('issues keys shown once, lists them without the key, and binds each to its tenant', async () => {
      const keyA = await call<{ id: string; api_key: string; created_at: string }>('POST', `/api/v1/tenants/${a.tenant.id}/api-keys`, { token: operator, body: { name: 'backend' } });
      expect(keyA.status).toBe(201);
      expect(keyA.body).toMatchObject({ id: expect.any(String), api_key: expect.stringMatching(/^sk_[0-9a-f]{32}_/), created_at: expect.any(String) });
      const keyB = await call<{ api_key: string }>('POST', `/api/v1/tenants/${b.tenant.id}/api-keys`, { token: operator, body: {} });

      const listed = await call<{ data: Array<Record<string, unknown>> }>('GET', `/api/v1/tenants/${a.tenant.id}/api-keys`, { token: operator });
      expect(listed.body.data).toEqual([{ id: keyA.body.id, name: 'backend', prefix: expect.stringMatching(/^sk_/), created_at: keyA.body.created_at, last_used_at: null, revoked_at: null }]);
      expect(JSON.stringify(listed.body)).not.toContain(keyA.body.api_key);

      const usersA = await call<Array<Record<string, unknown>>>('GET', '/api/users', { headers: { 'X-API-Key': keyA.body.api_key } });
      expect(usersA.status).toBe(200);
      expect(usersA.body.map((u) => u['identifier']).sort()).toEqual([a.admin.email, a.member.email]);
      expect(usersA.body[0]).toEqual({ id: expect.any(String), identifier: expect.any(String), created_at: expect.any(String), last_login_at: expect.any(String) });
      const usersB = await call<Array<Record<string, unknown>>>('GET', '/api/users', { headers: { 'X-API-Key': keyB.body.api_key } });
      expect(usersB.body.map((u) => u['identifier']).sort()).toEqual([b.admin.email, b.member.email]);
      const used = await call<{ data: Array<{ last_used_at: string | null }> }>('GET', `/api/v1/tenants/${a.tenant.id}/api-keys`, { token: operator });
      expect(used.body.data[0].last_used_at).not.toBeNull();

      expect((await call('DELETE', `/api/v1/tenants/${b.tenant.id}/api-keys/${keyA.body.id}`, { token: operator })).status).toBe(404);
      expect((await call('DELETE', `/api/v1/tenants/${a.tenant.id}/api-keys/${keyA.body.id}`, { token: operator })).status).toBe(204);
      const revoked = await call('GET', '/api/users', { headers: { 'X-API-Key': keyA.body.api_key } });
      expect(revoked.status).toBe(401);
      expect(revoked.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
    });

    it('answers 401 in the seed 003 body without a valid key, and keeps key management to the tenant super-admin and operators', async () => {
      for (const headers of [{}, { 'X-API-Key': 'sk_0123456789abcdef0123456789abcdef_nope' }, { authorization: `Bearer ${a.admin.token}` }] as Array<Record<string, string>>) {
        const answer = await call('GET', '/api/users', { headers });
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
      }
      expect((await call('POST', `/api/v1/tenants/${a.tenant.id}/api-keys`, { token: a.admin.token, body: {} })).status).toBe(403);
      expect((await call('GET', `/api/v1/tenants/${b.tenant.id}/api-keys`, { token: a.admin.token })).status).toBe(403);
      const superAdminEmail = `super-${randomUUID().slice(0, 6)}@example.test`;
      await createUser(operator, { email: superAdminEmail, roles: ['super-admin'], tenant_id: a.tenant.id });
      const superAdminA = await login(superAdminEmail, PASSWORD, a.tenant.id);
      expect((await call('POST', `/api/v1/tenants/${a.tenant.id}/api-keys`, { token: superAdminA, body: {} })).status).toBe(201);
      expect((await call('POST', `/api/v1/tenants/${b.tenant.id}/api-keys`, { token: superAdminA, body: {} })).status).toBe(403);
      expect((await call('POST', '/api/v1/tenants', { token: superAdminA, body: { name: 'Not yours' } })).status).toBe(403);
    });

    it('never exposes the internal API-key and tenant routes through the gateway', async () => {
      expect((await call('POST', '/internal/v1/api-keys/verify', { body: { api_key: 'sk_0123456789abcdef0123456789abcdef_x' } })).status).toBe(404);
      expect((await call('GET', '/internal/v1/tenants/default')).status).toBe(404);
    });
  });

  describe('users under /api/v1 (seeds 000 and 004)', () => {
    it('creates, reads, updates and deletes a user; the deletion reaches Kafka and the privacy registry', async () => {
      const created = await call<UserV1>('POST', '/api/v1/users', {
        token: a.admin.token,
        body: { username: 'jdoe', email: 'John.Doe@Example.test', password: PASSWORD, first_name: 'John', last_name: 'Doe', roles: ['user'] },
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        username: 'jdoe',
        email: 'john.doe@example.test',
        tenant_id: a.tenant.id,
        first_name: 'John',
        last_name: 'Doe',
        full_name: 'John Doe',
        email_verified: false,
        is_active: true,
        roles: ['user'],
        permissions: [],
        created_at: expect.any(String),
        updated_at: expect.any(String),
        last_login: null,
      });
      const id = created.body.id;
      expect((await call<UserV1>('GET', `/api/v1/users/${id}`, { token: a.admin.token })).body).toEqual(created.body);
      const duplicate = await call<SigmaError>('POST', '/api/v1/users', { token: a.admin.token, body: { email: 'JOHN.DOE@example.test', password: PASSWORD } });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error).toMatchObject({ code: 'CONFLICT', details: [{ field: 'email', message: 'is already taken' }] });

      const updated = await call<UserV1>('PUT', `/api/v1/users/${id}`, { token: a.admin.token, body: { email: 'jane.smith@example.test', first_name: 'Jane', last_name: 'Smith' } });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ id, email: 'jane.smith@example.test', first_name: 'Jane', last_name: 'Smith', roles: ['user'] });
      expect(await login('jdoe', PASSWORD, a.tenant.id)).toEqual(expect.any(String));

      const deleted = await call('DELETE', `/api/v1/users/${id}`, { token: a.admin.token });
      expect(deleted.status).toBe(204);
      expect(await count('SELECT count(*)::int AS n FROM directory.users WHERE id = $1', [id])).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM directory.password_credentials WHERE user_id = $1', [id])).toBe(0);
      expect((await call('GET', `/api/v1/users/${id}`, { token: a.admin.token })).status).toBe(404);
      const event = await eventually(async () => deletions.find((e) => e.subject === id), 30000, 200);
      expect(event).toMatchObject({ tenant_id: a.tenant.id, data: { user_id: id } });
      const erased = await eventually(async () => ((await db.query('SELECT erased_at FROM privacy.data_subjects WHERE user_id = $1 AND erased_at IS NOT NULL', [id])) as unknown[])[0], 30000, 200);
      expect(erased).toBeDefined();
      const refused = await call('POST', '/api/v1/auth/login', { body: { username: 'jdoe', password: PASSWORD, tenant_id: a.tenant.id } });
      expect(refused.status).toBe(401);
    });

    it('refuses a weak password with a field-level validation error', async () => {
      const answer = await call<SigmaError>('POST', '/api/v1/users', { token: a.admin.token, body: { email: 'weak@example.test', password: 'Password123!' } });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'password', message: expect.stringContaining('common') }] });
      expect(JSON.stringify(answer.body)).not.toContain('Password123!');
      expect(await count("SELECT count(*)::int AS n FROM directory.users WHERE email = 'weak@example.test'")).toBe(0);
    });

    it('refuses bad input with 400 or 404 in the Sigma body and changes nothing', async () => {
      const target = await createUser(a.admin.token, { email: `target-${randomUUID().slice(0, 6)}@example.test`, first_name: 'Tara' });
      const before = await userRow(target.id);
      const users = await usersOfTenant(a.tenant.id);
      const cases: Array<[string, string, { body?: unknown; raw?: string }, number]> = [
        ['POST', '/api/v1/users', { body: { email: 'x@example.test', password: PASSWORD, admin: true } }, 400],
        ['POST', '/api/v1/users', { body: { email: 'x@example.test', password: 12345678 } }, 400],
        ['POST', '/api/v1/users', { body: { email: ['x@example.test'], password: PASSWORD } }, 400],
        ['POST', '/api/v1/users', { raw: '{"email": "x@example.test",' }, 400],
        ['POST', '/api/v1/users', { raw: JSON.stringify({ email: 'x@example.test', password: PASSWORD, first_name: 'y'.repeat(300_000) }) }, 413],
        ['PUT', `/api/v1/users/${target.id}`, { body: { first_name: 'Evil', is_admin: true } }, 400],
        ['PUT', `/api/v1/users/${target.id}`, { body: { first_name: 'Evil', is_active: 'false' } }, 400],
        ['PUT', `/api/v1/users/${target.id}`, { body: { first_name: 'Evil', email: null } }, 400],
        ['PUT', `/api/v1/users/${target.id}`, { raw: JSON.stringify({ first_name: 'y'.repeat(300_000) }) }, 413],
        ['PUT', '/api/v1/users/not-a-uuid', { body: { first_name: 'Evil' } }, 404],
        ['GET', '/api/v1/users/not-a-uuid', {}, 404],
        ['DELETE', '/api/v1/users/not-a-uuid', {}, 404],
        ['DELETE', `/api/v1/users/${randomUUID()}`, {}, 404],
      ];
      for (const [method, path, options, status] of cases) {
        const answer = await call<SigmaError>(method, path, { token: a.admin.token, ...options });
        expect([method, path, answer.status]).toEqual([method, path, status]);
        expect(answer.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String), request_id: expect.any(String) });
      }
      for (const query of ['size=0', 'size=101', 'limit=0', 'limit=101', 'page=0', 'page=x', 'sort=email', 'sort=password_hash:asc', 'sort=email:random', 'filter=role', 'filter=password:x', 'filter=is_active:perhaps', 'tenant_id=x', 'bogus=1']) {
        const answer = await call<SigmaError>('GET', `/api/v1/users?${query}`, { token: a.admin.token });
        expect([query, answer.status, answer.body.error.code]).toEqual([query, 400, 'VALIDATION_ERROR']);
      }
      expect(await userRow(target.id)).toEqual(before);
      expect(await usersOfTenant(a.tenant.id)).toBe(users);
    });

    it('answers 401 without a token and 403 to a user-role token on every admin route', async () => {
      const target = a.admin.id;
      const routes: Array<[string, string, unknown?]> = [
        ['GET', '/api/v1/users'],
        ['POST', '/api/v1/users', { email: 'm@example.test', password: PASSWORD }],
        ['GET', `/api/v1/users/${target}`],
        ['PUT', `/api/v1/users/${target}`, { first_name: 'Mallory' }],
        ['DELETE', `/api/v1/users/${target}`],
        ['GET', '/api/admin/users'],
        ['POST', '/api/admin/users', { email: 'm@example.test', password: PASSWORD }],
        ['PUT', `/api/admin/users/${target}`, { firstName: 'Mallory' }],
        ['DELETE', `/api/admin/users/${target}`],
        ['GET', '/api/v1/tenants'],
        ['POST', '/api/v1/tenants', { name: 'Mallory Inc' }],
        ['GET', `/api/v1/tenants/${a.tenant.id}/api-keys`],
        ['POST', `/api/v1/tenants/${a.tenant.id}/api-keys`, {}],
      ];
      for (const [method, path, body] of routes) {
        const anonymous = await call(method, path, { body });
        expect([method, path, anonymous.status]).toEqual([method, path, 401]);
        const member = await call(method, path, { token: a.member.token, body });
        expect([method, path, member.status]).toEqual([method, path, 403]);
      }
      const admin = await call<Record<string, unknown>>('PUT', `/api/admin/users/${target}`, { token: a.member.token, body: { firstName: 'Mallory' } });
      expect(admin.body).toMatchObject({ success: false, code: 'INSUFFICIENT_PERMISSIONS' });
      expect(await count("SELECT count(*)::int AS n FROM directory.users WHERE email = 'm@example.test' OR first_name = 'Mallory'")).toBe(0);
      expect(await count("SELECT count(*)::int AS n FROM directory.tenants WHERE name = 'Mallory Inc'")).toBe(0);
    });
  });

  describe('users under /api/admin (seed 002)', () => {
    it('creates, lists, updates and deletes in the seed 002 envelope', async () => {
      const created = await call<{ success: boolean; user: Record<string, unknown>; message: string }>('POST', '/api/admin/users', {
        token: a.admin.token,
        body: { email: 'newuser@example.test', firstName: 'Jane', lastName: 'Smith', password: PASSWORD, role: 'user', isActive: true, sendWelcomeEmail: true },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        success: true,
        user: { id: expect.any(String), email: 'newuser@example.test', firstName: 'Jane', lastName: 'Smith', role: 'user', isActive: true, isVerified: false, createdAt: expect.any(String) },
        message: 'User created successfully',
      });
      const id = created.body.user['id'] as string;
      const listed = await call<AdminList>('GET', '/api/admin/users?page=1&limit=10&search=jane&role=user&isActive=true', { token: a.admin.token });
      expect(listed.body).toEqual({
        success: true,
        users: [expect.objectContaining({ id, email: 'newuser@example.test', firstName: 'Jane', lastName: 'Smith', role: 'user', isActive: true, isVerified: false, lastLogin: null })],
        pagination: { page: 1, limit: 10, total: 1, totalPages: 1 },
        message: 'Users retrieved successfully',
      });
      const updated = await call<{ success: boolean; user: Record<string, unknown>; message: string }>('PUT', `/api/admin/users/${id}`, {
        token: a.admin.token,
        body: { firstName: 'Jane', lastName: 'Doe', role: 'admin', isActive: true },
      });
      expect(updated.body).toMatchObject({ success: true, user: { id, lastName: 'Doe', role: 'admin', updatedAt: expect.any(String) }, message: 'User updated successfully' });
      const bad = await call<Record<string, unknown>>('PUT', `/api/admin/users/${id}`, { token: a.admin.token, body: { isActive: 'yes' } });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR', details: { field: 'isActive' }, requestId: expect.any(String) });
      expect((await call('GET', '/api/admin/users?limit=101', { token: a.admin.token })).status).toBe(400);
      const deleted = await call('DELETE', `/api/admin/users/${id}`, { token: a.admin.token });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ success: true, message: 'User deleted successfully' });
      expect(await count('SELECT count(*)::int AS n FROM directory.users WHERE id = $1', [id])).toBe(0);
      await eventually(async () => deletions.find((e) => e.subject === id), 30000, 200);
    });
  });

  describe('profile (seed 000 SDK)', () => {
    it('reads and updates the caller own profile and roles with a plain user token', async () => {
      const me = await call<UserV1>('GET', '/api/v1/me', { token: a.member.token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: a.member.id, email: a.member.email, tenant_id: a.tenant.id, roles: ['user'], last_login: expect.any(String) });
      const patched = await call<UserV1>('PATCH', '/api/v1/me', { token: a.member.token, body: { fullName: 'Mia Member' } });
      expect(patched.body).toMatchObject({ id: a.member.id, first_name: 'Mia', last_name: 'Member', full_name: 'Mia Member' });
      for (const body of [{ roles: ['admin'] }, { email_verified: true }, { is_active: false }, { email: 'other@example.test' }]) {
        const refused = await call<SigmaError>('PATCH', '/api/v1/me', { token: a.member.token, body });
        expect(refused.status).toBe(400);
      }
      const roles = await call('GET', '/api/v1/me/roles', { token: a.member.token });
      expect(roles.body).toEqual({ user_id: a.member.id, roles: [{ id: expect.any(String), name: 'user', slug: 'user' }], permissions: [] });
      expect((await call('GET', '/api/v1/me')).status).toBe(401);
    });
  });

  describe('tenant isolation', () => {
    it('keeps tenant B users out of reach of the tenant A admin on every route', async () => {
      const victim = await createUser(b.admin.token, { email: `victim-${randomUUID().slice(0, 6)}@example.test`, first_name: 'Victor' });
      const before = await userRow(victim.id);
      const hidden: Array<[string, string, unknown?]> = [
        ['GET', `/api/v1/users/${victim.id}`],
        ['PUT', `/api/v1/users/${victim.id}`, { first_name: 'Owned' }],
        ['DELETE', `/api/v1/users/${victim.id}`],
        ['PUT', `/api/admin/users/${victim.id}`, { firstName: 'Owned' }],
        ['DELETE', `/api/admin/users/${victim.id}`],
        ['POST', `/api/v1/users/${victim.id}/roles`, { role: 'user' }],
      ];
      for (const [method, path, body] of hidden) {
        const answer = await call(method, path, { token: a.admin.token, body });
        expect([method, path, answer.status]).toEqual([method, path, 404]);
      }
      const forbidden: Array<[string, string, unknown?]> = [
        ['GET', `/api/v1/users?tenant_id=${b.tenant.id}`],
        ['GET', `/api/v1/users/${victim.id}?tenant_id=${b.tenant.id}`],
        ['PUT', `/api/v1/users/${victim.id}?tenant_id=${b.tenant.id}`, { first_name: 'Owned' }],
        ['DELETE', `/api/v1/users/${victim.id}?tenant_id=${b.tenant.id}`],
        ['POST', '/api/v1/users', { email: 'planted@example.test', password: PASSWORD, tenant_id: b.tenant.id }],
        ['GET', `/api/v1/tenants/${b.tenant.id}`],
        ['GET', `/api/v1/tenants/${b.tenant.id}/api-keys`],
      ];
      for (const [method, path, body] of forbidden) {
        const answer = await call(method, path, { token: a.admin.token, body });
        expect([method, path, answer.status]).toEqual([method, path, 403]);
      }
      const listed = await call<UserList>('GET', `/api/v1/users?filter=email:${victim.email}`, { token: a.admin.token });
      expect(listed.body.data).toEqual([]);
      const searched = await call<AdminList>('GET', '/api/admin/users?search=victim', { token: a.admin.token });
      expect(searched.body.users).toEqual([]);
      const all = await call<UserList>('GET', '/api/v1/users?size=100', { token: a.admin.token });
      expect(all.body.data.every((u) => u.tenant_id === a.tenant.id)).toBe(true);
      expect(await userRow(victim.id)).toEqual(before);
      expect(await count("SELECT count(*)::int AS n FROM directory.users WHERE email = 'planted@example.test'")).toBe(0);
      expect((await call<UserV1>('GET', `/api/v1/users/${victim.id}`, { token: b.admin.token })).body.first_name).toBe('Victor');
      expect((await call<UserV1>('GET', `/api/v1/users/${victim.id}?tenant_id=${b.tenant.id}`, { token: operator })).body.id).toBe(victim.id);
    });
  });

  describe('10,000 users in one tenant', () => {
    let tenantId: string;
    let admin: string;

    beforeAll(async () => {
      const fixture = await tenantFixture('bulk');
      tenantId = fixture.tenant.id;
      admin = fixture.admin.token;
      // 10,000 users; every 100th is named Needle, user 4242 is unique, every 3rd is inactive.
      await db.query(
        `INSERT INTO directory.users (id, tenant_id, email, username, first_name, last_name, is_active, created_at)
         SELECT gen_random_uuid(), $1, 'bulk' || i || '@scale.test', 'bulk' || i, 'Bulk' || i,
                CASE WHEN i = 4242 THEN 'Zyzzyva' WHEN i % 100 = 0 THEN 'Needle' ELSE 'Hay' END, i % 3 <> 0, now() - interval '1 day' + (i || ' milliseconds')::interval
           FROM generate_series(1, 10000) AS i`,
        [tenantId],
      );
      await db.query('ANALYZE directory.users');
    });

    it('pages through every user exactly once with correct totals', async () => {
      const total = 10002;
      const first = await call<UserList>('GET', '/api/v1/users?page=1&size=100', { token: admin });
      expect(first.body.pagination).toEqual({ page: 1, limit: 100, size: 100, total, total_pages: 101 });
      expect(first.body.data[0].email).toBe('bulk1@scale.test');
      const last = await call<UserList>('GET', '/api/v1/users?page=101&limit=100', { token: admin });
      expect(last.body.data).toHaveLength(2);
      expect(last.body.pagination.total).toBe(total);
      const seen = new Set<string>();
      let received = 0;
      for (let page = 1; page <= 101; page++) {
        const answer = await call<UserList>('GET', `/api/v1/users?page=${page}&size=100&sort=email:asc`, { token: admin });
        expect(answer.body.pagination).toMatchObject({ page, total, total_pages: 101 });
        received += answer.body.data.length;
        for (const user of answer.body.data) seen.add(user.id);
      }
      expect([received, seen.size]).toEqual([total, total]);
      const newest = await call<UserList>('GET', '/api/v1/users?sort=created_at:desc&size=3', { token: admin });
      expect(newest.body.data.map((u) => u.tenant_id)).toEqual([tenantId, tenantId, tenantId]);
    });

    it('searches and filters with exact totals in both API families', async () => {
      const needles = await call<UserList>('GET', '/api/v1/users?filter=search:needle&size=20', { token: admin });
      expect(needles.body.pagination).toEqual({ page: 1, limit: 20, size: 20, total: 100, total_pages: 5 });
      expect(needles.body.data.every((u) => u.last_name === 'Needle')).toBe(true);
      const unique = await call<UserList>('GET', '/api/v1/users?filter=search:zyzzyva', { token: admin });
      expect(unique.body.data.map((u) => u.email)).toEqual(['bulk4242@scale.test']);
      const byEmail = await call<UserList>('GET', '/api/v1/users?filter=email:BULK77@scale.test', { token: admin });
      expect(byEmail.body.data.map((u) => u.username)).toEqual(['bulk77']);
      const inactive = await call<UserList>('GET', '/api/v1/users?filter=is_active:false&size=50', { token: admin });
      expect(inactive.body.pagination).toMatchObject({ total: 3333, total_pages: 67 });
      expect(inactive.body.data.every((u) => !u.is_active)).toBe(true);
      const inactiveNeedles = await call<UserList>('GET', '/api/v1/users?filter=is_active:false,search:needle', { token: admin });
      expect(inactiveNeedles.body.pagination.total).toBe(33);

      const admin002 = await call<AdminList>('GET', '/api/admin/users?search=Needle&isActive=true&page=2&limit=25', { token: admin });
      expect(admin002.body.pagination).toEqual({ page: 2, limit: 25, total: 67, totalPages: 3 });
      expect(admin002.body.users).toHaveLength(25);
      const all002 = await call<AdminList>('GET', '/api/admin/users?limit=100&page=101', { token: admin });
      expect(all002.body.pagination).toEqual({ page: 101, limit: 100, total: 10002, totalPages: 101 });
      const userRole = await call<AdminList>('GET', '/api/admin/users?role=admin', { token: admin });
      expect(userRole.body.pagination.total).toBe(1);
    });
  });
});
