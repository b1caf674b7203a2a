import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { rethrowUniqueViolation } from './groups.repository';

/** A role with its presentation and how many users of its tenant hold it. */
export interface RoleRecord {
  id: string;
  tenantId: string;
  name: string;
  slug: string;
  description: string | null;
  permissions: string[];
  isSystem: boolean;
  isDefault: boolean;
  color: string | null;
  icon: string | null;
  level: number;
  userCount: number;
  createdAt: Date;
}

export interface NewRole {
  name: string;
  slug: string;
  description: string | null;
  permissions: string[];
  isDefault: boolean;
  color: string | null;
  icon: string | null;
  level: number;
}

interface RoleRow {
  id: string;
  tenant_id: string;
  name: string;
  slug: string;
  description: string | null;
  permissions: string[];
  is_system: boolean;
  is_default: boolean;
  color: string | null;
  icon: string | null;
  level: number;
  user_count: number;
  created_at: Date;
}

const SELECT_ROLES = `
  SELECT r.id, r.tenant_id, r.name, r.slug, r.description, r.permissions, r.is_system, r.is_default, r.color, r.icon, r.level, r.created_at,
         (SELECT count(*)::int FROM directory.user_roles ur JOIN directory.users u ON u.id = ur.user_id AND u.tenant_id = r.tenant_id
           WHERE ur.role_id = r.id) AS user_count
    FROM directory.roles r`;

/** Data access for a tenant's roles and role assignment; every query is scoped to one tenant. */
export class RolesRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Highest level first, then by name. */
  async list(tenantId: string, options: { includeSystem: boolean } = { includeSystem: true }): Promise<RoleRecord[]> {
    const rows: RoleRow[] = await this.manager.query(`${SELECT_ROLES} WHERE r.tenant_id = $1 AND ($2 OR NOT r.is_system) ORDER BY r.level DESC, lower(r.name), r.id`, [
      tenantId,
      options.includeSystem,
    ]);
    return rows.map(toRole);
  }

  /** Which of `slug` and `name` another role of the tenant already uses. */
  async conflictsOf(tenantId: string, role: { slug: string; name: string }): Promise<Array<'slug' | 'name'>> {
    const rows: Array<{ slug: string; name: string }> = await this.manager.query(
      'SELECT slug, name FROM directory.roles WHERE tenant_id = $1 AND (slug = $2 OR lower(name) = lower($3))',
      [tenantId, role.slug, role.name],
    );
    const conflicts: Array<'slug' | 'name'> = [];
    if (rows.some((row) => row.slug === role.slug)) conflicts.push('slug');
    if (rows.some((row) => row.name.toLowerCase() === role.name.toLowerCase())) conflicts.push('name');
    return conflicts;
  }

  async create(tenantId: string, role: NewRole): Promise<RoleRecord> {
    const id = randomUUID();
    try {
      await this.manager.query(
        `INSERT INTO directory.roles (id, tenant_id, name, slug, description, permissions, is_system, is_default, color, icon, level)
         VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8, $9, $10)`,
        [id, tenantId, role.name, role.slug, role.description, role.permissions, role.isDefault, role.color, role.icon, role.level],
      );
    } catch (error) {
      rethrowUniqueViolation(error, 'a role with this slug or name already exists in the tenant');
    }
    const created = await this.findByIds(tenantId, [id]);
    return created[0];
  }

  /** The roles of the tenant among `ids` (ids of other tenants are simply not found). */
  async findByIds(tenantId: string, ids: readonly string[]): Promise<RoleRecord[]> {
    if (ids.length === 0) return [];
    const rows: RoleRow[] = await this.manager.query(`${SELECT_ROLES} WHERE r.tenant_id = $1 AND r.id = ANY($2::uuid[])`, [tenantId, ids]);
    return rows.map(toRole);
  }

  /** A role of the tenant by name (case-insensitive) or slug. */
  async findByName(tenantId: string, name: string): Promise<RoleRecord | undefined> {
    const rows: RoleRow[] = await this.manager.query(`${SELECT_ROLES} WHERE r.tenant_id = $1 AND (lower(r.name) = lower($2) OR r.slug = lower($2)) ORDER BY (lower(r.name) = lower($2)) DESC LIMIT 1`, [
      tenantId,
      name,
    ]);
    return rows[0] && toRole(rows[0]);
  }

  /** Adds roles to a user (already held ones stay); answers how many were new. */
  async assign(userId: string, roleIds: readonly string[]): Promise<number> {
    if (roleIds.length === 0) return 0;
    const added: unknown[] = await this.manager.query(
      `INSERT INTO directory.user_roles (user_id, role_id) SELECT $1, unnest($2::uuid[])
       ON CONFLICT DO NOTHING RETURNING role_id`,
      [userId, roleIds],
    );
    return added.length;
  }

  /** The roles a user holds in the tenant, by name. */
  async rolesOf(tenantId: string, userId: string): Promise<Array<{ id: string; name: string }>> {
    return this.manager.query(
      `SELECT r.id, r.name FROM directory.user_roles ur JOIN directory.roles r ON r.id = ur.role_id
        WHERE ur.user_id = $1 AND r.tenant_id = $2 ORDER BY r.level DESC, lower(r.name)`,
      [userId, tenantId],
    );
  }
}

function toRole(row: RoleRow): RoleRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    permissions: row.permissions,
    isSystem: row.is_system,
    isDefault: row.is_default,
    color: row.color,
    icon: row.icon,
    level: row.level,
    userCount: row.user_count,
    createdAt: row.created_at,
  };
}
