import { SYSTEM_PERMISSIONS } from './permission-catalogue';

describe('SYSTEM_PERMISSIONS', () => {
  it('lists resource:action permissions with their module and a description', () => {
    expect(SYSTEM_PERMISSIONS).toContainEqual({ id: 'users:read', module: 'users', action: 'read', description: 'View users' });
    expect(SYSTEM_PERMISSIONS).toContainEqual({ id: 'tenants:write', module: 'tenants', action: 'write', description: 'Create and edit tenants and their API keys' });
    for (const permission of SYSTEM_PERMISSIONS) expect(permission.id).toBe(`${permission.module}:${permission.action}`);
    expect(new Set(SYSTEM_PERMISSIONS.map((p) => p.id)).size).toBe(SYSTEM_PERMISSIONS.length);
  });
});
