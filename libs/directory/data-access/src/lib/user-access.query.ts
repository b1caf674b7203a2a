import { EntityManager } from 'typeorm';

export interface AccessGrant {
  id: string;
  name: string;
  slug: string;
}

/** A user's roles and groups, and the permissions they add up to. */
export interface UserAccess {
  roles: AccessGrant[];
  groups: AccessGrant[];
  /** Union of the roles' and groups' permissions, sorted, without duplicates. */
  permissions: string[];
}

interface GrantRow {
  user_id: string;
  kind: 'role' | 'group';
  id: string;
  name: string;
  slug: string;
  permissions: string[];
}

/**
 * Reads the roles, groups and effective permissions of users of one tenant in one query, for user
 * objects, token claims and permission checks. Only grants of the same tenant ever count.
 */
export class UserAccessQuery {
  constructor(private readonly manager: EntityManager) {}

  async forUsers(tenantId: string, userIds: readonly string[]): Promise<Map<string, UserAccess>> {
    const result = new Map<string, UserAccess>();
    if (userIds.length === 0) return result;
    const rows: GrantRow[] = await this.manager.query(
      `SELECT ur.user_id, 'role' AS kind, r.id, r.name, r.slug, r.permissions
         FROM directory.user_roles ur JOIN directory.roles r ON r.id = ur.role_id
        WHERE ur.user_id = ANY($2::uuid[]) AND r.tenant_id = $1
       UNION ALL
       SELECT ug.user_id, 'group' AS kind, g.id, g.name, g.slug, g.permissions
         FROM directory.user_groups ug JOIN directory.groups g ON g.id = ug.group_id
        WHERE ug.user_id = ANY($2::uuid[]) AND g.tenant_id = $1
       ORDER BY 1, 2, 5`,
      [tenantId, userIds],
    );
    const permissions = new Map<string, Set<string>>();
    for (const row of rows) {
      let access = result.get(row.user_id);
      if (!access) {
        access = { roles: [], groups: [], permissions: [] };
        result.set(row.user_id, access);
        permissions.set(row.user_id, new Set());
      }
      (row.kind === 'role' ? access.roles : access.groups).push({ id: row.id, name: row.name, slug: row.slug });
      for (const permission of row.permissions) permissions.get(row.user_id)?.add(permission);
    }
    for (const [userId, access] of result) access.permissions = [...(permissions.get(userId) ?? [])].sort();
    for (const userId of userIds) if (!result.has(userId)) result.set(userId, { roles: [], groups: [], permissions: [] });
    return result;
  }

  async forUser(tenantId: string, userId: string): Promise<UserAccess> {
    return (await this.forUsers(tenantId, [userId])).get(userId) ?? { roles: [], groups: [], permissions: [] };
  }
}
