/** One entry of the permission catalogue (seed 002's `{id, module, action, description}`). */
export interface PermissionDefinition {
  id: string;
  module: string;
  action: string;
  description: string;
}

const ACTIONS: Record<string, string> = { read: 'View', write: 'Create and edit', delete: 'Delete', export: 'Export', erase: 'Erase' };

const MODULES: Record<string, { noun: string; actions: string[] }> = {
  users: { noun: 'users', actions: ['read', 'write', 'delete'] },
  roles: { noun: 'roles', actions: ['read', 'write', 'delete'] },
  groups: { noun: 'groups', actions: ['read', 'write', 'delete'] },
  permissions: { noun: 'the permission catalogue', actions: ['read'] },
  applications: { noun: 'OAuth applications', actions: ['read', 'write', 'delete'] },
  sessions: { noun: 'sessions', actions: ['read', 'write'] },
  tenants: { noun: 'tenants and their API keys', actions: ['read', 'write'] },
  'sso-providers': { noun: 'SSO providers', actions: ['read', 'write'] },
  privacy: { noun: 'the personal data and privacy requests of other users', actions: ['read', 'write', 'export', 'erase'] },
};

/** The permissions the suite itself checks, grouped by module. */
export const SYSTEM_PERMISSIONS: readonly PermissionDefinition[] = Object.entries(MODULES).flatMap(([module, { noun, actions }]) =>
  actions.map((action) => ({ id: `${module}:${action}`, module, action, description: `${ACTIONS[action]} ${noun}` })),
);
