import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import { EntityManager, QueryFailedError } from 'typeorm';

/** A group with its presentation and how many users of its tenant belong to it. */
export interface GroupRecord {
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
  userCount: number;
  createdAt: Date;
}

export interface NewGroup {
  name: string;
  slug: string;
  description: string | null;
  permissions: string[];
  isDefault: boolean;
  color: string | null;
  icon: string | null;
}

interface GroupRow {
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
  user_count: number;
  created_at: Date;
}

const SELECT_GROUPS = `
  SELECT g.id, g.tenant_id, g.name, g.slug, g.description, g.permissions, g.is_system, g.is_default, g.color, g.icon, g.created_at,
         (SELECT count(*)::int FROM directory.user_groups ug JOIN directory.users u ON u.id = ug.user_id AND u.tenant_id = g.tenant_id
           WHERE ug.group_id = g.id) AS user_count
    FROM directory.groups g`;

/** A unique index refused the row: the caller named something that already exists (409). */
export function rethrowUniqueViolation(error: unknown, message: string): never {
  if (error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505') {
    throw new DomainError(ErrorKind.CONFLICT, message);
  }
  throw error;
}

/** Data access for a tenant's groups; every query is scoped to one tenant. */
export class GroupsRepository {
  constructor(private readonly manager: EntityManager) {}

  async list(tenantId: string): Promise<GroupRecord[]> {
    const rows: GroupRow[] = await this.manager.query(`${SELECT_GROUPS} WHERE g.tenant_id = $1 ORDER BY lower(g.name), g.id`, [tenantId]);
    return rows.map(toGroup);
  }

  /** Which of `slug` and `name` another group of the tenant already uses. */
  async conflictsOf(tenantId: string, group: { slug: string; name: string }): Promise<Array<'slug' | 'name'>> {
    const rows: Array<{ slug: string; name: string }> = await this.manager.query(
      'SELECT slug, name FROM directory.groups WHERE tenant_id = $1 AND (slug = $2 OR lower(name) = lower($3))',
      [tenantId, group.slug, group.name],
    );
    const conflicts: Array<'slug' | 'name'> = [];
    if (rows.some((row) => row.slug === group.slug)) conflicts.push('slug');
    if (rows.some((row) => row.name.toLowerCase() === group.name.toLowerCase())) conflicts.push('name');
    return conflicts;
  }

  async create(tenantId: string, group: NewGroup): Promise<GroupRecord> {
    const id = randomUUID();
    try {
      await this.manager.query(
        `INSERT INTO directory.groups (id, tenant_id, name, slug, description, permissions, is_system, is_default, color, icon)
         VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8, $9)`,
        [id, tenantId, group.name, group.slug, group.description, group.permissions, group.isDefault, group.color, group.icon],
      );
    } catch (error) {
      rethrowUniqueViolation(error, 'a group with this slug or name already exists in the tenant');
    }
    const rows: GroupRow[] = await this.manager.query(`${SELECT_GROUPS} WHERE g.id = $1`, [id]);
    return toGroup(rows[0]);
  }

  /** Every permission string the tenant's roles and groups use. */
  async permissionsInUse(tenantId: string): Promise<string[]> {
    const rows: Array<{ permission: string }> = await this.manager.query(
      `SELECT DISTINCT unnest(permissions) AS permission FROM directory.roles WHERE tenant_id = $1
       UNION SELECT DISTINCT unnest(permissions) FROM directory.groups WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows.map((row) => row.permission).sort();
  }
}

function toGroup(row: GroupRow): GroupRecord {
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
    userCount: row.user_count,
    createdAt: row.created_at,
  };
}
