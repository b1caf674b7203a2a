import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DIRECTORY_MIGRATIONS, DirectoryBootstrapRepository } from '@sigma/directory/data-access';
import { SYSTEM_PERMISSIONS } from '@sigma/directory/domain';
import { EVENT_MIGRATIONS, OutboxPublisher } from '@sigma/shared/data-access-events';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { ACCESS_TOKEN_TYPE, AccessTokenVerifier, API_AUDIENCE, BearerAuthGuard, issuerOf } from '@sigma/shared/util-auth';
import { createValidationPipe, FamilyExceptionFilter, LOGGER } from '@sigma/shared/util-http';
import { CryptoKey, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { DirectoryAccessModule } from './directory-access.module';

jest.setTimeout(120000);

const PUBLIC_URL = 'http://sigma.test';
const ADMIN = ['users:*', 'roles:*', 'groups:*', 'applications:*', 'sessions:*', 'permissions:read', 'tenants:read'];

/** Signs access tokens the way auth-server does, with one key published for every tenant. */
class TestTokens {
  private constructor(
    private readonly privateKey: CryptoKey,
    readonly jwk: JWK,
  ) {}

  static async create(): Promise<TestTokens> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    return new TestTokens(privateKey, { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' });
  }

  verifier(): AccessTokenVerifier {
    const keys = { keys: [this.jwk] };
    return new AccessTokenVerifier({ publicUrl: PUBLIC_URL, jwksUrl: (tenantId) => `http://auth.test/jwks?tenant_id=${tenantId}`, fetch: async () => Response.json(keys) });
  }

  sign(tenantId: string, permissions: string[], userId: string = randomUUID()): Promise<string> {
    return new SignJWT({ client_id: 'test-client', tid: tenantId, roles: [], permissions })
      .setProtectedHeader({ alg: 'ES256', typ: ACCESS_TOKEN_TYPE, kid: 'test-key' })
      .setIssuer(issuerOf(PUBLIC_URL, tenantId))
      .setAudience(API_AUDIENCE)
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(this.privateKey);
  }
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('roles, groups and permissions on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let dataSource: DataSource;
  let app: INestApplication;
  let baseUrl: string;
  let tokens: TestTokens;
  let platformTenant: string;
  let superAdmin: string;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    dataSource = (
      await openServiceDatabase({
        url: postgres.url,
        schema: 'directory',
        poolSize: 4,
        applicationName: 'access-test',
        entities: [],
        migrations: [...EVENT_MIGRATIONS, ...DIRECTORY_MIGRATIONS],
      })
    ).dataSource;
    await dataSource.transaction(async (manager) => {
      const repository = new DirectoryBootstrapRepository(manager);
      platformTenant = await repository.createDefaultTenant();
      await repository.ensureSystemRoles(platformTenant);
    });
    tokens = await TestTokens.create();
    superAdmin = await tokens.sign(platformTenant, ['*']);

    @Global()
    @Module({
      providers: [
        { provide: DataSource, useValue: dataSource },
        { provide: LOGGER, useValue: pino({ level: 'silent' }) },
        { provide: OutboxPublisher, useValue: new OutboxPublisher('directory') },
        { provide: AccessTokenVerifier, useValue: tokens.verifier() },
        BearerAuthGuard,
      ],
      exports: [DataSource, LOGGER, OutboxPublisher, AccessTokenVerifier, BearerAuthGuard],
    })
    class TestInfrastructure {}
    const moduleRef = await Test.createTestingModule({ imports: [TestInfrastructure, DirectoryAccessModule] }).compile();
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

  async function call(method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** A fresh tenant with its system roles and an admin token (tests isolate by tenant). */
  async function freshTenant(): Promise<{ id: string; admin: string; roles: Map<string, string> }> {
    const id = randomUUID();
    const roles = await dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO directory.tenants (id, name, slug) VALUES ($1, $2, $3)', [id, 'Tenant', `t-${id.slice(0, 8)}`]);
      return new DirectoryBootstrapRepository(manager).ensureSystemRoles(id);
    });
    return { id, admin: await tokens.sign(id, ADMIN), roles };
  }

  async function createUser(tenantId: string, roleIds: string[] = []): Promise<string> {
    const id = randomUUID();
    await dataSource.query('INSERT INTO directory.users (id, tenant_id, email, username) VALUES ($1, $2, $3, $3)', [id, tenantId, `u-${id}@example.test`]);
    for (const roleId of roleIds) await dataSource.query('INSERT INTO directory.user_roles (user_id, role_id) VALUES ($1, $2)', [id, roleId]);
    return id;
  }

  async function count(table: string, tenantId: string): Promise<number> {
    const rows: Array<{ n: number }> = await dataSource.query(`SELECT count(*)::int AS n FROM directory.${table} WHERE tenant_id = $1`, [tenantId]);
    return rows[0].n;
  }

  async function roleEvents(userId: string): Promise<unknown[]> {
    const rows: Array<{ envelope: { data: unknown } }> = await dataSource.query("SELECT envelope FROM directory.outbox_events WHERE topic = 'user.updated' AND key = $1", [userId]);
    return rows.map((row) => row.envelope.data);
  }

  describe('seed 004 roles', () => {
    it('creates a role (201) accepting dotted permissions, and lists it with the system roles', async () => {
      const tenant = await freshTenant();
      const created = await call('POST', '/api/v1/roles', tenant.admin, { name: 'editor', description: 'Edits', permissions: ['user.read', 'content.write', 'users:read'] });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(String), name: 'editor', description: 'Edits', permissions: ['user:read', 'content:write', 'users:read'], created_at: expect.any(String) });
      const listed = await call('GET', '/api/v1/roles', tenant.admin);
      expect(listed.status).toBe(200);
      const data = listed.body['data'] as Array<Record<string, unknown>>;
      expect(data.map((role) => role['name']).sort()).toEqual(['admin', 'editor', 'super-admin', 'user']);
      expect(data.find((role) => role['name'] === 'editor')).toEqual({ id: created.body['id'], name: 'editor', description: 'Edits', permissions: ['user:read', 'content:write', 'users:read'], created_at: expect.any(String) });
    });

    it('answers 409 for a name already used (system role names included), 400 for bad bodies, and changes nothing', async () => {
      const tenant = await freshTenant();
      const before = await count('roles', tenant.id);
      const duplicate = await call('POST', '/api/v1/roles', tenant.admin, { name: 'Admin', permissions: [] });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toMatchObject({ error: { code: 'CONFLICT' } });
      for (const body of [
        { name: 'x', permissions: ['users read'] },
        { name: 'x', permissions: 'users:read' },
        { name: 42 },
        { name: '   ' },
        { name: '!!!' },
        { name: 'x', unknown: true },
        {},
        [],
      ]) {
        const answer = await call('POST', '/api/v1/roles', tenant.admin, body);
        expect({ body, status: answer.status }).toEqual({ body, status: 400 });
        expect(answer.body).toMatchObject({ error: { code: 'VALIDATION_ERROR', details: expect.any(Array) } });
      }
      const malformed = await call('POST', '/api/v1/roles', tenant.admin, { name: 'x', permissions: ['users:read', 'nope'] });
      expect((malformed.body['error'] as { details: unknown[] }).details).toEqual([{ field: 'permissions[1]', message: expect.any(String) }]);
      expect(await count('roles', tenant.id)).toBe(before);
    });

    it('refuses privilege escalation: * and suite permissions the caller lacks (403), while custom permissions are free', async () => {
      const tenant = await freshTenant();
      for (const permissions of [['*'], ['tenants:write'], ['privacy:*']]) {
        const answer = await call('POST', '/api/v1/roles', tenant.admin, { name: `r-${randomUUID()}`, permissions });
        expect(answer.status).toBe(403);
        expect(answer.body).toMatchObject({ error: { code: 'INSUFFICIENT_PERMISSIONS' } });
      }
      expect((await call('POST', '/api/v1/roles', tenant.admin, { name: 'content', permissions: ['content:*', 'users:read'] })).status).toBe(201);
      expect(await count('roles', tenant.id)).toBe(4);
    });

    it('needs a token (401) and the permission (403), and keeps each tenant to its own roles', async () => {
      const tenant = await freshTenant();
      const other = await freshTenant();
      expect((await call('GET', '/api/v1/roles')).status).toBe(401);
      const plainUser = await tokens.sign(tenant.id, []);
      expect((await call('GET', '/api/v1/roles', plainUser)).status).toBe(403);
      expect((await call('POST', '/api/v1/roles', plainUser, { name: 'x' })).status).toBe(403);
      await call('POST', '/api/v1/roles', other.admin, { name: 'secret-role' });
      const mine = (await call('GET', '/api/v1/roles', tenant.admin)).body['data'] as Array<{ name: string }>;
      expect(mine.map((role) => role.name)).not.toContain('secret-role');
      expect((await call('GET', `/api/v1/roles?tenant_id=${other.id}`, tenant.admin)).status).toBe(403);
      expect((await call('POST', `/api/v1/roles?tenant_id=${other.id}`, tenant.admin, { name: 'sneaky' })).status).toBe(403);
      const operatorView = (await call('GET', `/api/v1/roles?tenant_id=${other.id}`, superAdmin)).body['data'] as Array<{ name: string }>;
      expect(operatorView.map((role) => role.name)).toContain('secret-role');
    });
  });

  describe('role assignment', () => {
    it('assigns by role_ids and by name, idempotently, answering every role held, and publishes user.updated', async () => {
      const tenant = await freshTenant();
      const userId = await createUser(tenant.id, [tenant.roles.get('user') ?? '']);
      const editor = await call('POST', '/api/v1/roles', tenant.admin, { name: 'editor', permissions: ['content:write'] });
      const byIds = await call('POST', `/api/v1/users/${userId}/roles`, tenant.admin, { role_ids: [editor.body['id']] });
      expect(byIds.status).toBe(200);
      expect(byIds.body).toEqual({ user_id: userId, roles: [{ id: editor.body['id'], name: 'editor' }, { id: tenant.roles.get('user'), name: 'user' }] });
      const byName = await call('POST', `/api/v1/users/${userId}/roles`, tenant.admin, { role: 'Admin' });
      expect(byName.status).toBe(200);
      expect((byName.body['roles'] as Array<{ name: string }>).map((role) => role.name)).toEqual(['admin', 'editor', 'user']);
      expect((await call('POST', `/api/v1/users/${userId}/roles`, tenant.admin, { role: 'admin' })).status).toBe(200);
      expect(await roleEvents(userId)).toEqual([
        { user_id: userId, changed_fields: ['roles'] },
        { user_id: userId, changed_fields: ['roles'] },
      ]);
      const listed = (await call('GET', '/api/admin/identity/roles', tenant.admin)).body['roles'] as Array<{ slug: string; userCount: number }>;
      expect(listed.find((role) => role.slug === 'editor')?.userCount).toBe(1);
      expect(listed.find((role) => role.slug === 'admin')?.userCount).toBe(1);
    });

    it("never assigns another tenant's role or touches another tenant's user", async () => {
      const tenant = await freshTenant();
      const other = await freshTenant();
      const userId = await createUser(tenant.id);
      const foreignUser = await createUser(other.id);
      const foreignRole = other.roles.get('user') ?? '';
      const mixed = await call('POST', `/api/v1/users/${userId}/roles`, tenant.admin, { role_ids: [tenant.roles.get('user'), foreignRole] });
      expect(mixed.status).toBe(404);
      expect(mixed.body).toMatchObject({ error: { code: 'RESOURCE_NOT_FOUND', details: [{ field: 'role_ids[1]' }] } });
      expect((await call('POST', `/api/v1/users/${foreignUser}/roles`, tenant.admin, { role_ids: [tenant.roles.get('user')] })).status).toBe(404);
      expect((await call('POST', `/api/v1/users/${userId}/roles`, tenant.admin, { role: 'no-such-role' })).status).toBe(404);
      expect((await call('POST', '/api/v1/users/not-a-uuid/roles', tenant.admin, { role: 'user' })).status).toBe(404);
      const held: unknown[] = await dataSource.query('SELECT 1 FROM directory.user_roles WHERE user_id = ANY($1::uuid[])', [[userId, foreignUser]]);
      expect(held).toHaveLength(0);
    });

    it('refuses bad bodies (400) and roles carrying permissions the caller lacks (403)', async () => {
      const tenant = await freshTenant();
      const userId = await createUser(tenant.id);
      for (const body of [{}, { role_ids: [] }, { role_ids: ['x'] }, { role_ids: [tenant.roles.get('user')], role: 'user' }, { role: 3 }, { roles: ['user'] }]) {
        expect({ body, status: (await call('POST', `/api/v1/users/${userId}/roles`, tenant.admin, body)).status }).toEqual({ body, status: 400 });
      }
      const escalation = await call('POST', `/api/v1/users/${userId}/roles`, tenant.admin, { role: 'super-admin' });
      expect(escalation.status).toBe(403);
      const usersOnly = await tokens.sign(tenant.id, ['users:write']);
      expect((await call('POST', `/api/v1/users/${userId}/roles`, usersOnly, { role: 'user' })).status).toBe(403);
      const held: unknown[] = await dataSource.query('SELECT 1 FROM directory.user_roles WHERE user_id = $1', [userId]);
      expect(held).toHaveLength(0);
      expect((await call('POST', `/api/v1/users/${userId}/roles`, superAdmin, { role: 'super-admin' })).status).toBe(404);
      expect((await call('POST', `/api/v1/users/${userId}/roles?tenant_id=${tenant.id}`, superAdmin, { role: 'super-admin' })).status).toBe(200);
    });
  });

  describe('seed 002 roles, permissions and groups', () => {
    it('lists roles in seed 002 shape with real user counts, includeSystem=false leaving system roles out', async () => {
      const tenant = await freshTenant();
      await createUser(tenant.id, [tenant.roles.get('admin') ?? '']);
      await createUser(tenant.id, [tenant.roles.get('admin') ?? '']);
      const answer = await call('GET', '/api/admin/identity/roles', tenant.admin);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ success: true, message: 'Roles retrieved successfully' });
      const roles = answer.body['roles'] as Array<Record<string, unknown>>;
      expect(roles.map((role) => role['slug'])).toEqual(['super-admin', 'admin', 'user']);
      expect(roles[1]).toEqual({
        id: tenant.roles.get('admin'),
        name: 'admin',
        slug: 'admin',
        description: expect.any(String),
        isSystem: true,
        isDefault: false,
        permissions: ADMIN,
        userCount: 2,
        color: '#3b82f6',
        icon: 'shield',
        level: 80,
        createdAt: expect.any(String),
      });
      await call('POST', '/api/admin/identity/roles', tenant.admin, { name: 'Custom', permissions: [] });
      const custom = (await call('GET', '/api/admin/identity/roles?includeSystem=false', tenant.admin)).body['roles'] as Array<{ slug: string }>;
      expect(custom.map((role) => role.slug)).toEqual(['custom']);
      expect((await call('GET', '/api/admin/identity/roles?includeSystem=maybe', tenant.admin)).status).toBe(400);
    });

    it('creates roles in seed 002 shape (201), 409 on a duplicate slug, 400 in the envelope with nothing changed', async () => {
      const tenant = await freshTenant();
      const body = { name: 'Content Manager', slug: 'content-manager', description: 'Users who can manage content', permissions: ['content:read', 'content:write', 'media:read', 'media:write'], color: '#10b981', icon: 'edit' };
      const created = await call('POST', '/api/admin/identity/roles', tenant.admin, body);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        success: true,
        role: { id: expect.any(String), ...body, isSystem: false, isDefault: false, userCount: 0, level: 60, createdAt: expect.any(String) },
        message: 'Role created successfully',
      });
      const duplicate = await call('POST', '/api/admin/identity/roles', tenant.admin, { ...body, name: 'Other name' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toMatchObject({ success: false, code: 'CONFLICT', details: { field: 'slug' } });
      const before = await count('roles', tenant.id);
      for (const bad of [{ ...body, slug: 'Bad Slug' }, { ...body, color: 'red' }, { ...body, level: 100 }, { ...body, level: '5' }, { ...body, isSystem: true }, { ...body, permissions: ['x'] }]) {
        const answer = await call('POST', '/api/admin/identity/roles', tenant.admin, { ...bad, slug: bad.slug === 'content-manager' ? `s-${randomUUID().slice(0, 8)}` : bad.slug, name: `n-${randomUUID()}` });
        expect({ bad, status: answer.status }).toEqual({ bad, status: 400 });
        expect(answer.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR', details: { field: expect.any(String) } });
      }
      expect(await count('roles', tenant.id)).toBe(before);
      const plainUser = await tokens.sign(tenant.id, []);
      expect((await call('POST', '/api/admin/identity/roles', plainUser, body)).status).toBe(403);
      expect((await call('GET', '/api/admin/identity/roles', plainUser)).status).toBe(403);
      const anonymous = await call('GET', '/api/admin/identity/roles');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ success: false, code: 'INVALID_TOKEN' });
    });

    it('answers the permission catalogue with custom permissions of the tenant only, filtered by module', async () => {
      const tenant = await freshTenant();
      const other = await freshTenant();
      await call('POST', '/api/admin/identity/roles', tenant.admin, { name: 'Writers', permissions: ['content:write', 'content:*', 'users:read'] });
      await call('POST', '/api/admin/identity/groups', tenant.admin, { name: 'Media', permissions: ['media:read'] });
      await call('POST', '/api/admin/identity/groups', other.admin, { name: 'Hidden', permissions: ['secret:read'] });
      const all = await call('GET', '/api/admin/identity/permissions', tenant.admin);
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ success: true, message: 'All permissions retrieved successfully' });
      const ids = (all.body['permissions'] as Array<{ id: string }>).map((p) => p.id);
      expect(ids).toEqual([...SYSTEM_PERMISSIONS.map((p) => p.id), 'content:write', 'media:read']);
      expect(all.body['modules']).toEqual([...new Set(SYSTEM_PERMISSIONS.map((p) => p.module)), 'content', 'media']);
      const content = await call('GET', '/api/admin/identity/permissions?module=content', tenant.admin);
      expect(content.body['permissions']).toEqual([{ id: 'content:write', module: 'content', action: 'write', description: expect.any(String) }]);
      const users = await call('GET', '/api/admin/identity/permissions?module=users', tenant.admin);
      expect((users.body['permissions'] as Array<{ id: string }>).map((p) => p.id)).toEqual(['users:read', 'users:write', 'users:delete']);
      expect((await call('GET', '/api/admin/identity/permissions?module=Bad%20Module', tenant.admin)).status).toBe(400);
      expect((await call('GET', '/api/admin/identity/permissions', await tokens.sign(tenant.id, ['roles:read']))).status).toBe(403);
    });

    it('creates and lists groups in seed 002 shape with real user counts, tenant by tenant', async () => {
      const tenant = await freshTenant();
      const other = await freshTenant();
      const body = { name: 'Content Editors', slug: 'content-editors', description: 'Users who can edit content', permissions: ['content:read', 'content:write'], color: '#3b82f6', icon: 'edit' };
      const created = await call('POST', '/api/admin/identity/groups', tenant.admin, body);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        success: true,
        group: { id: expect.any(String), ...body, isSystem: false, isDefault: false, userCount: 0, createdAt: expect.any(String) },
        message: 'User group created successfully',
      });
      const member = await createUser(tenant.id);
      await dataSource.query('INSERT INTO directory.user_groups (user_id, group_id) VALUES ($1, $2)', [member, created.body['group'] && (created.body['group'] as { id: string }).id]);
      const listed = await call('GET', '/api/admin/identity/groups', tenant.admin);
      expect(listed.body).toMatchObject({ success: true, message: 'User groups retrieved successfully', groups: [{ slug: 'content-editors', userCount: 1 }] });
      expect((await call('GET', '/api/admin/identity/groups', other.admin)).body['groups']).toEqual([]);
      expect((await call('POST', '/api/admin/identity/groups', tenant.admin, { ...body, slug: 'another' })).status).toBe(409);
      expect((await call('POST', '/api/admin/identity/groups', tenant.admin, { name: 'Root', permissions: ['*'] })).status).toBe(403);
      expect((await call('POST', '/api/admin/identity/groups', tenant.admin, { name: 'Bad', permissions: [1] })).status).toBe(400);
      expect(await count('groups', tenant.id)).toBe(1);
      const plainUser = await tokens.sign(tenant.id, []);
      expect((await call('GET', '/api/admin/identity/groups', plainUser)).status).toBe(403);
      expect((await call('POST', '/api/admin/identity/groups', plainUser, body)).status).toBe(403);
      expect((await call('GET', '/api/admin/identity/groups')).status).toBe(401);
    });
  });
});
