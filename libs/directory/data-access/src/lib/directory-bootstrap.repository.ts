import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';

export const DEFAULT_TENANT_SLUG = 'default';

export interface SystemRole {
  slug: string;
  name: string;
  description: string;
  permissions: string[];
  isDefault: boolean;
  color: string;
  icon: string;
  level: number;
}

/** What a tenant administrator may do: manage its tenant's people, access and applications. */
export const ADMIN_PERMISSIONS = ['users:*', 'roles:*', 'groups:*', 'applications:*', 'sessions:*', 'permissions:read', 'tenants:read'];

/** The roles every tenant has from the start (API.md). */
export const SYSTEM_ROLES: readonly SystemRole[] = [
  { slug: 'super-admin', name: 'super-admin', description: 'Every permission in every tenant', permissions: ['*'], isDefault: false, color: '#dc2626', icon: 'crown', level: 100 },
  {
    slug: 'admin',
    name: 'admin',
    description: 'Manages users, roles, groups, applications and sessions of its tenant',
    permissions: ADMIN_PERMISSIONS,
    isDefault: false,
    color: '#3b82f6',
    icon: 'shield',
    level: 80,
  },
  { slug: 'user', name: 'user', description: 'Default role of new users', permissions: [], isDefault: true, color: '#64748b', icon: 'user', level: 10 },
];

/** Data access for the directory's first-start bootstrap; every call runs in the caller's transaction. */
export class DirectoryBootstrapRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Serialises concurrent first starts of several replicas until the transaction ends. */
  async lock(): Promise<void> {
    await this.manager.query("SELECT pg_advisory_xact_lock(hashtext('sigma-iam:directory-bootstrap'))");
  }

  async hasDefaultTenant(): Promise<boolean> {
    const rows: unknown[] = await this.manager.query('SELECT 1 FROM directory.tenants WHERE slug = $1', [DEFAULT_TENANT_SLUG]);
    return rows.length > 0;
  }

  async createDefaultTenant(): Promise<string> {
    const id = randomUUID();
    await this.manager.query('INSERT INTO directory.tenants (id, name, slug) VALUES ($1, $2, $3)', [id, 'Default', DEFAULT_TENANT_SLUG]);
    return id;
  }

  async ensureSystemRoles(tenantId: string): Promise<Map<string, string>> {
    for (const role of SYSTEM_ROLES) {
      await this.manager.query(
        `INSERT INTO directory.roles (id, tenant_id, name, slug, description, permissions, is_system, is_default, color, icon, level)
         VALUES ($1, $2, $3, $4, $5, $6, true, $7, $8, $9, $10) ON CONFLICT (tenant_id, slug) DO NOTHING`,
        [randomUUID(), tenantId, role.name, role.slug, role.description, role.permissions, role.isDefault, role.color, role.icon, role.level],
      );
    }
    const rows: Array<{ id: string; slug: string }> = await this.manager.query('SELECT id, slug FROM directory.roles WHERE tenant_id = $1 AND is_system', [tenantId]);
    return new Map(rows.map((r) => [r.slug, r.id]));
  }

  async createUserWithPassword(user: { tenantId: string; email: string; passwordHash: string; roleIds: string[] }): Promise<string> {
    const id = randomUUID();
    await this.manager.query(
      `INSERT INTO directory.users (id, tenant_id, email, username, email_verified) VALUES ($1, $2, $3, $3, true)`,
      [id, user.tenantId, user.email],
    );
    await this.manager.query('INSERT INTO directory.password_credentials (user_id, hash) VALUES ($1, $2)', [id, user.passwordHash]);
    for (const roleId of user.roleIds) {
      await this.manager.query('INSERT INTO directory.user_roles (user_id, role_id) VALUES ($1, $2)', [id, roleId]);
    }
    return id;
  }
}
