import { ADMIN_PERMISSIONS, DirectoryBootstrapRepository } from '@sigma/directory/data-access';
import { SYSTEM_PERMISSIONS, totpCodeAt } from '@sigma/directory/domain';
import { DistributedSuite, eventually, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { hash } from 'bcrypt';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

jest.setTimeout(240000);

const PASSWORD = 'e2e directory access password';
const BOOTSTRAP_PASSWORD = 'bootstrap super admin password';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface TenantFixture {
  id: string;
  roles: Map<string, string>;
  admin: { id: string; email: string; token: string };
  member: { id: string; email: string; token: string };
}

/**
 * Roles, groups, the permission catalogue, role assignment and MFA enrolment, end to end: the five
 * apps as processes over real PostgreSQL and Kafka, called through the gateway with tokens from
 * the real login.
 */
describe('directory access control and MFA through the gateway', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let db: DataSource;
  let gateway: string;
  let consumer: Consumer;
  const userUpdates: Array<{ tenant_id: string; subject: string; data: { user_id: string; changed_fields: string[] } }> = [];
  let superAdmin: string;
  let a: TenantFixture;
  let b: TenantFixture;

  async function call(method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${gateway}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed };
  }

  async function login(username: string, password: string, tenantId?: string): Promise<Answer> {
    return call('POST', '/api/v1/auth/login', undefined, { username, password, ...(tenantId ? { tenant_id: tenantId } : {}) });
  }

  async function tokenOf(username: string, tenantId?: string): Promise<string> {
    const answer = await login(username, PASSWORD, tenantId);
    expect(answer).toMatchObject({ status: 200, body: { access_token: expect.any(String) } });
    return answer.body['access_token'] as string;
  }

  async function tenantFixture(label: string): Promise<TenantFixture> {
    const id = randomUUID();
    const passwordHash = await hash(PASSWORD, 10);
    const { roles, adminId, memberId } = await db.transaction(async (manager) => {
      await manager.query('INSERT INTO directory.tenants (id, name, slug) VALUES ($1, $2, $3)', [id, `Tenant ${label}`, `e2e-${label}-${id.slice(0, 8)}`]);
      const repository = new DirectoryBootstrapRepository(manager);
      const systemRoles = await repository.ensureSystemRoles(id);
      return {
        roles: systemRoles,
        adminId: await repository.createUserWithPassword({ tenantId: id, email: `admin-${label}@example.test`, passwordHash, roleIds: [systemRoles.get('admin') ?? ''] }),
        memberId: await repository.createUserWithPassword({ tenantId: id, email: `member-${label}@example.test`, passwordHash, roleIds: [systemRoles.get('user') ?? ''] }),
      };
    });
    return {
      id,
      roles,
      admin: { id: adminId, email: `admin-${label}@example.test`, token: await tokenOf(`admin-${label}@example.test`, id) },
      member: { id: memberId, email: `member-${label}@example.test`, token: await tokenOf(`member-${label}@example.test`, id) },
    };
  }

  async function extraUser(tenant: TenantFixture, label: string): Promise<{ id: string; email: string }> {
    const email = `${label}-${randomUUID().slice(0, 8)}@example.test`;
    const passwordHash = await hash(PASSWORD, 10);
    const id = await db.transaction((manager) =>
      new DirectoryBootstrapRepository(manager).createUserWithPassword({ tenantId: tenant.id, email, passwordHash, roleIds: [tenant.roles.get('user') ?? ''] }),
    );
    return { id, email };
  }

  async function count(sql: string, params: unknown[]): Promise<number> {
    const rows: Array<{ n: number }> = await db.query(sql, params);
    return rows[0].n;
  }

  const rolesOfTenant = (tenantId: string) => count('SELECT count(*)::int AS n FROM directory.roles WHERE tenant_id = $1', [tenantId]);
  const groupsOfTenant = (tenantId: string) => count('SELECT count(*)::int AS n FROM directory.groups WHERE tenant_id = $1', [tenantId]);
  const rolesOfUser = (userId: string) => count('SELECT count(*)::int AS n FROM directory.user_roles WHERE user_id = $1', [userId]);

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: BOOTSTRAP_PASSWORD });
    gateway = suite.gateway.url;
    db = new DataSource({ type: 'postgres', url: postgres.url });
    await db.initialize();

    consumer = new Kafka({ clientId: 'e2e-directory-access', brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).consumer({ groupId: `e2e-access-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: 'user.updated', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value) userUpdates.push(JSON.parse(message.value.toString()));
      },
    });

    const bootstrap = await login('admin@sigma-iam.local', BOOTSTRAP_PASSWORD);
    expect(bootstrap.status).toBe(200);
    superAdmin = bootstrap.body['access_token'] as string;
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

  const updatesOf = (userId: string, field: string) => userUpdates.filter((event) => event.data.user_id === userId && event.data.changed_fields.includes(field));

  describe('authentication and authorization on every route', () => {
    const routes = (userId: string): Array<[string, string, unknown?]> => [
      ['GET', '/api/v1/roles'],
      ['POST', '/api/v1/roles', { name: 'x' }],
      ['POST', `/api/v1/users/${userId}/roles`, { role: 'user' }],
      ['GET', '/api/admin/identity/roles'],
      ['POST', '/api/admin/identity/roles', { name: 'x' }],
      ['GET', '/api/admin/identity/permissions'],
      ['GET', '/api/admin/identity/groups'],
      ['POST', '/api/admin/identity/groups', { name: 'x' }],
    ];

    it('answers 401 without a token, in each family body', async () => {
      for (const [method, path, body] of [...routes(a.member.id), ['POST', `/api/v1/users/${a.member.id}/mfa/enroll`] as [string, string], ['DELETE', `/api/v1/users/${a.member.id}/mfa`] as [string, string]]) {
        const answer = await call(method, path, undefined, body);
        expect({ method, path, status: answer.status }).toEqual({ method, path, status: 401 });
        if (path.startsWith('/api/admin')) expect(answer.body).toMatchObject({ success: false, code: expect.any(String), requestId: expect.any(String) });
        else expect(answer.body).toMatchObject({ error: { code: 'AUTHENTICATION_REQUIRED', request_id: expect.any(String) } });
      }
    });

    it('answers 403 to a user-role token, and changes nothing', async () => {
      const rolesBefore = await rolesOfTenant(a.id);
      const groupsBefore = await groupsOfTenant(a.id);
      for (const [method, path, body] of routes(a.member.id)) {
        const answer = await call(method, path, a.member.token, body);
        expect({ method, path, status: answer.status }).toEqual({ method, path, status: 403 });
        if (path.startsWith('/api/admin')) expect(answer.body).toMatchObject({ success: false, code: 'INSUFFICIENT_PERMISSIONS' });
        else expect(answer.body).toMatchObject({ error: { code: 'INSUFFICIENT_PERMISSIONS' } });
      }
      expect((await call('POST', `/api/v1/users/${a.admin.id}/mfa/enroll`, a.member.token)).status).toBe(403);
      expect((await call('DELETE', `/api/v1/users/${a.admin.id}/mfa`, a.member.token)).status).toBe(403);
      expect(await rolesOfTenant(a.id)).toBe(rolesBefore);
      expect(await groupsOfTenant(a.id)).toBe(groupsBefore);
      expect(await rolesOfUser(a.member.id)).toBe(1);
    });

    it('never routes the internal credential API', async () => {
      const answer = await call('POST', '/internal/v1/credentials/password/verify', undefined, { username: 'admin@sigma-iam.local', password: BOOTSTRAP_PASSWORD });
      expect(answer.status).toBe(404);
      expect((await call('GET', `/internal/v1/users/${a.admin.id}/claims?tenant_id=${a.id}`)).status).toBe(404);
    });
  });

  describe('seed 004 roles and role assignment', () => {
    it('creates (201) and lists roles in seed 004 shapes, dotted permissions stored canonically', async () => {
      const created = await call('POST', '/api/v1/roles', a.admin.token, { name: 'editor', description: 'Edits content', permissions: ['content.read', 'content:write', 'users:read'] });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(String), name: 'editor', description: 'Edits content', permissions: ['content:read', 'content:write', 'users:read'], created_at: expect.any(String) });
      const listed = await call('GET', '/api/v1/roles', a.admin.token);
      expect(listed.status).toBe(200);
      const data = listed.body['data'] as Array<Record<string, unknown>>;
      expect(data.map((role) => role['name']).sort()).toEqual(['admin', 'editor', 'super-admin', 'user']);
      expect(data.find((role) => role['id'] === created.body['id'])).toMatchObject({ name: 'editor', description: 'Edits content', permissions: ['content:read', 'content:write', 'users:read'] });
    });

    it('refuses bad input with 400 in the Sigma body, a duplicate with 409, escalation with 403, and changes nothing', async () => {
      const before = await rolesOfTenant(a.id);
      for (const body of [{ name: 'x', bogus: 1 }, { name: 7 }, { name: 'x', permissions: 'users:read' }, { name: 'x', permissions: ['not a permission'] }, {}]) {
        const answer = await call('POST', '/api/v1/roles', a.admin.token, body);
        expect({ body, status: answer.status }).toEqual({ body, status: 400 });
        expect(answer.body).toMatchObject({ error: { code: 'VALIDATION_ERROR', details: expect.arrayContaining([{ field: expect.any(String), message: expect.any(String) }]), request_id: expect.any(String) } });
      }
      expect((await call('POST', '/api/v1/roles', a.admin.token, { name: 'user' })).status).toBe(409);
      expect((await call('POST', '/api/v1/roles', a.admin.token, { name: 'root', permissions: ['*'] })).status).toBe(403);
      expect((await call('POST', '/api/v1/roles', a.admin.token, { name: 'tenant-admin', permissions: ['tenants:write'] })).status).toBe(403);
      expect(await rolesOfTenant(a.id)).toBe(before);
    });

    it('assigns roles by role_ids and by name, and publishes user.updated on Kafka', async () => {
      const target = await extraUser(a, 'assignee');
      const reviewer = await call('POST', '/api/v1/roles', a.admin.token, { name: 'reviewer', permissions: ['content:read'] });
      const byIds = await call('POST', `/api/v1/users/${target.id}/roles`, a.admin.token, { role_ids: [reviewer.body['id']] });
      expect(byIds.status).toBe(200);
      expect(byIds.body).toEqual({ user_id: target.id, roles: [{ id: reviewer.body['id'], name: 'reviewer' }, { id: a.roles.get('user'), name: 'user' }] });
      const byName = await call('POST', `/api/v1/users/${target.id}/roles`, a.admin.token, { role: 'admin' });
      expect((byName.body['roles'] as Array<{ name: string }>).map((role) => role.name)).toEqual(['admin', 'reviewer', 'user']);
      await eventually(async () => (updatesOf(target.id, 'roles').length === 2 ? true : undefined), 30000);
      expect(updatesOf(target.id, 'roles')[0]).toMatchObject({ tenant_id: a.id, subject: target.id, data: { user_id: target.id, changed_fields: ['roles'] } });

      // The new roles are in the next token.
      const login2 = await login(target.email, PASSWORD, a.id);
      expect(login2.status).toBe(200);
      expect((await call('GET', '/api/admin/identity/roles', login2.body['access_token'] as string)).status).toBe(200);
    });

    it('refuses bad assignment bodies (400), super-admin by an admin (403), and unknown ids (404), assigning nothing', async () => {
      const target = await extraUser(a, 'refused');
      for (const body of [{}, { role_ids: [] }, { role_ids: ['nope'] }, { role: 'user', role_ids: [a.roles.get('user')] }, { role: 'user', extra: true }]) {
        expect({ body, status: (await call('POST', `/api/v1/users/${target.id}/roles`, a.admin.token, body)).status }).toEqual({ body, status: 400 });
      }
      expect((await call('POST', `/api/v1/users/${target.id}/roles`, a.admin.token, { role: 'super-admin' })).status).toBe(403);
      expect((await call('POST', `/api/v1/users/${target.id}/roles`, a.admin.token, { role_ids: [randomUUID()] })).status).toBe(404);
      expect((await call('POST', '/api/v1/users/not-a-uuid/roles', a.admin.token, { role: 'user' })).status).toBe(404);
      expect(await rolesOfUser(target.id)).toBe(1);
    });
  });

  describe('seed 002 roles, permissions and groups', () => {
    it('lists roles with real user counts and includeSystem, and creates roles in seed 002 shape', async () => {
      const listed = await call('GET', '/api/admin/identity/roles', a.admin.token);
      expect(listed.status).toBe(200);
      expect(listed.body).toMatchObject({ success: true, message: 'Roles retrieved successfully' });
      const roles = listed.body['roles'] as Array<Record<string, unknown>>;
      const admin = roles.find((role) => role['slug'] === 'admin');
      expect(admin).toEqual({
        id: a.roles.get('admin'),
        name: 'admin',
        slug: 'admin',
        description: expect.any(String),
        isSystem: true,
        isDefault: false,
        permissions: ADMIN_PERMISSIONS,
        userCount: await count('SELECT count(*)::int AS n FROM directory.user_roles WHERE role_id = $1', [a.roles.get('admin')]),
        color: '#3b82f6',
        icon: 'shield',
        level: 80,
        createdAt: expect.any(String),
      });
      expect(admin?.['userCount']).toBeGreaterThanOrEqual(1);

      const body = { name: 'Content Manager', slug: 'content-manager', description: 'Users who can manage content', permissions: ['content:read', 'content:write', 'media:read', 'media:write'], color: '#10b981', icon: 'edit' };
      const created = await call('POST', '/api/admin/identity/roles', a.admin.token, body);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        success: true,
        role: { id: expect.any(String), ...body, isSystem: false, isDefault: false, userCount: 0, level: 60, createdAt: expect.any(String) },
        message: 'Role created successfully',
      });
      const custom = (await call('GET', '/api/admin/identity/roles?includeSystem=false', a.admin.token)).body['roles'] as Array<{ isSystem: boolean; slug: string }>;
      expect(custom.every((role) => !role.isSystem)).toBe(true);
      expect(custom.map((role) => role.slug)).toContain('content-manager');

      const duplicate = await call('POST', '/api/admin/identity/roles', a.admin.token, { ...body, name: 'Another' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toMatchObject({ success: false, code: 'CONFLICT', details: { field: 'slug' } });
      const before = await rolesOfTenant(a.id);
      const invalid = await call('POST', '/api/admin/identity/roles', a.admin.token, { name: 'Bad', color: 'green', isSystem: true });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR', details: { field: expect.any(String), message: expect.any(String) }, requestId: expect.any(String) });
      expect(await rolesOfTenant(a.id)).toBe(before);
    });

    it('answers the permission catalogue, filtered by module, with the tenant custom permissions', async () => {
      const all = await call('GET', '/api/admin/identity/permissions', a.admin.token);
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ success: true, message: 'All permissions retrieved successfully' });
      const ids = (all.body['permissions'] as Array<{ id: string }>).map((p) => p.id);
      expect(ids).toEqual(expect.arrayContaining([...SYSTEM_PERMISSIONS.map((p) => p.id), 'content:read', 'media:write']));
      expect(all.body['modules']).toEqual(expect.arrayContaining(['users', 'roles', 'content', 'media']));
      const users = await call('GET', '/api/admin/identity/permissions?module=users', a.admin.token);
      expect(users.body['permissions']).toEqual(SYSTEM_PERMISSIONS.filter((p) => p.module === 'users'));
      expect((await call('GET', '/api/admin/identity/permissions?module=NOT%20VALID', a.admin.token)).status).toBe(400);
      expect((await call('GET', '/api/admin/identity/permissions?other=1', a.admin.token)).status).toBe(400);
    });

    it('creates (201) and lists groups in seed 002 shape; 409 and 400 change nothing', async () => {
      const body = { name: 'Content Editors', slug: 'content-editors', description: 'Users who can edit content', permissions: ['content:read', 'content:write'], color: '#3b82f6', icon: 'edit' };
      const created = await call('POST', '/api/admin/identity/groups', a.admin.token, body);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        success: true,
        group: { id: expect.any(String), ...body, isSystem: false, isDefault: false, userCount: 0, createdAt: expect.any(String) },
        message: 'User group created successfully',
      });
      await db.query('INSERT INTO directory.user_groups (user_id, group_id) VALUES ($1, $2)', [a.member.id, (created.body['group'] as { id: string }).id]);
      const listed = await call('GET', '/api/admin/identity/groups', a.admin.token);
      expect(listed.body).toMatchObject({ success: true, groups: [{ slug: 'content-editors', userCount: 1 }], message: 'User groups retrieved successfully' });
      expect((await call('POST', '/api/admin/identity/groups', a.admin.token, { ...body, slug: 'other-slug' })).status).toBe(409);
      expect((await call('POST', '/api/admin/identity/groups', a.admin.token, { name: 'G', permissions: [42] })).status).toBe(400);
      expect((await call('POST', '/api/admin/identity/groups', a.admin.token, { name: 'Root', permissions: ['*'] })).status).toBe(403);
      expect(await groupsOfTenant(a.id)).toBe(1);
    });
  });

  describe('tenant isolation', () => {
    it("keeps tenant B's roles, groups, permissions and users out of reach of tenant A's admin on every route", async () => {
      const secretRole = await call('POST', '/api/admin/identity/roles', b.admin.token, { name: 'B Secret', permissions: ['bsecret:read'] });
      expect(secretRole.status).toBe(201);
      expect((await call('POST', '/api/admin/identity/groups', b.admin.token, { name: 'B Group', permissions: ['bgroup:read'] })).status).toBe(201);
      const bRoleId = (secretRole.body['role'] as { id: string }).id;

      const v1Roles = (await call('GET', '/api/v1/roles', a.admin.token)).body['data'] as Array<{ id: string }>;
      expect(v1Roles.map((role) => role.id)).not.toContain(bRoleId);
      const adminRoles = (await call('GET', '/api/admin/identity/roles', a.admin.token)).body['roles'] as Array<{ id: string }>;
      expect(adminRoles.map((role) => role.id)).not.toContain(bRoleId);
      const groups = (await call('GET', '/api/admin/identity/groups', a.admin.token)).body['groups'] as Array<{ name: string }>;
      expect(groups.map((group) => group.name)).not.toContain('B Group');
      const catalogue = (await call('GET', '/api/admin/identity/permissions', a.admin.token)).body['permissions'] as Array<{ id: string }>;
      expect(catalogue.map((p) => p.id)).not.toContain('bsecret:read');
      expect(catalogue.map((p) => p.id)).not.toContain('bgroup:read');

      expect((await call('GET', `/api/v1/roles?tenant_id=${b.id}`, a.admin.token)).status).toBe(403);
      const bRolesBefore = await rolesOfTenant(b.id);
      expect((await call('POST', `/api/v1/roles?tenant_id=${b.id}`, a.admin.token, { name: 'planted' })).status).toBe(403);
      expect(await rolesOfTenant(b.id)).toBe(bRolesBefore);

      // Assignment: B's user and B's role are unknown to A.
      expect((await call('POST', `/api/v1/users/${b.member.id}/roles`, a.admin.token, { role_ids: [a.roles.get('user')] })).status).toBe(404);
      expect((await call('POST', `/api/v1/users/${b.member.id}/roles?tenant_id=${b.id}`, a.admin.token, { role: 'admin' })).status).toBe(403);
      const target = await extraUser(a, 'isolated');
      expect((await call('POST', `/api/v1/users/${target.id}/roles`, a.admin.token, { role_ids: [bRoleId] })).status).toBe(404);
      expect(await rolesOfUser(target.id)).toBe(1);
      expect(await rolesOfUser(b.member.id)).toBe(1);

      // MFA of B's user.
      expect((await call('POST', `/api/v1/users/${b.member.id}/mfa/enroll`, a.admin.token)).status).toBe(404);
      expect((await call('DELETE', `/api/v1/users/${b.member.id}/mfa`, a.admin.token)).status).toBe(404);
      expect(await count('SELECT count(*)::int AS n FROM directory.totp_credentials WHERE user_id = $1', [b.member.id])).toBe(0);

      // A platform operator may name tenant B explicitly.
      const operatorView = (await call('GET', `/api/v1/roles?tenant_id=${b.id}`, superAdmin)).body['data'] as Array<{ id: string }>;
      expect(operatorView.map((role) => role.id)).toContain(bRoleId);
    });
  });

  describe('MFA enrolment and the login MFA step', () => {
    it('enrols a user, whose next login needs the TOTP step, and disables it again', async () => {
      const user = await extraUser(a, 'mfa');
      const token = await tokenOf(user.email, a.id);
      const enrolled = await call('POST', `/api/v1/users/${user.id}/mfa/enroll`, token);
      expect(enrolled.status).toBe(200);
      const { secret, qr_code: qrCode, recovery_codes: recoveryCodes } = enrolled.body as { secret: string; qr_code: string; recovery_codes: string[] };
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(qrCode).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
      expect(recoveryCodes).toHaveLength(10);
      await eventually(async () => (updatesOf(user.id, 'mfa').length === 1 ? true : undefined), 30000);

      const first = await login(user.email, PASSWORD, a.id);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ mfa_required: true, mfa_session_id: expect.any(String) });
      expect(first.body['access_token']).toBeUndefined();
      const wrong = await call('POST', '/api/v1/auth/mfa/verify', undefined, { mfa_session_id: first.body['mfa_session_id'], totp_code: '000000' });
      expect(wrong.status).toBe(401);
      const second = await login(user.email, PASSWORD, a.id);
      const verified = await call('POST', '/api/v1/auth/mfa/verify', undefined, { mfa_session_id: second.body['mfa_session_id'], totp_code: await totpCodeAt(secret, Math.floor(Date.now() / 1000)) });
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });

      const third = await login(user.email, PASSWORD, a.id);
      const byRecovery = await call('POST', '/api/v1/auth/mfa/verify', undefined, { mfa_session_id: third.body['mfa_session_id'], recovery_code: recoveryCodes[0] });
      expect(byRecovery.status).toBe(200);

      // An admin of the tenant disables it; the next login is a plain one again.
      expect((await call('DELETE', `/api/v1/users/${user.id}/mfa`, a.admin.token)).status).toBe(204);
      expect(await count('SELECT count(*)::int AS n FROM directory.recovery_codes WHERE user_id = $1', [user.id])).toBe(0);
      const plain = await login(user.email, PASSWORD, a.id);
      expect(plain.status).toBe(200);
      expect(plain.body).toMatchObject({ access_token: expect.any(String), mfa_required: false });
      await eventually(async () => (updatesOf(user.id, 'mfa').length === 2 ? true : undefined), 30000);
    });

    it('answers 404 for a malformed or unknown user id', async () => {
      expect((await call('POST', '/api/v1/users/not-a-uuid/mfa/enroll', a.admin.token)).status).toBe(404);
      expect((await call('DELETE', `/api/v1/users/${randomUUID()}/mfa`, a.admin.token)).status).toBe(404);
    });
  });
});
