import type { GroupRecord, RoleRecord } from '@sigma/directory/data-access';

/** Seed 004's role object. */
export function roleV1Of(role: RoleRecord): { id: string; name: string; description: string | null; permissions: string[]; created_at: string } {
  return { id: role.id, name: role.name, description: role.description, permissions: role.permissions, created_at: role.createdAt.toISOString() };
}

/** Seed 002's role object. */
export function adminRoleOf(role: RoleRecord): Record<string, unknown> {
  return {
    id: role.id,
    name: role.name,
    slug: role.slug,
    description: role.description,
    isSystem: role.isSystem,
    isDefault: role.isDefault,
    permissions: role.permissions,
    userCount: role.userCount,
    color: role.color,
    icon: role.icon,
    level: role.level,
    createdAt: role.createdAt.toISOString(),
  };
}

/** Seed 002's group object. */
export function adminGroupOf(group: GroupRecord): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    slug: group.slug,
    description: group.description,
    isSystem: group.isSystem,
    isDefault: group.isDefault,
    permissions: group.permissions,
    userCount: group.userCount,
    color: group.color,
    icon: group.icon,
    createdAt: group.createdAt.toISOString(),
  };
}
