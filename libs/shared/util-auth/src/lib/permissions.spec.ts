import { isPermission, permits, permitsAll } from './permissions';

describe('permissions', () => {
  it('grants exact matches, resource wildcards and the global wildcard', () => {
    expect(permits(['users:read'], 'users:read')).toBe(true);
    expect(permits(['users:*'], 'users:delete')).toBe(true);
    expect(permits(['*'], 'tenants:write')).toBe(true);
    expect(permitsAll(['users:read', 'roles:*'], ['users:read', 'roles:write'])).toBe(true);
  });

  it('grants nothing else', () => {
    expect(permits([], 'users:read')).toBe(false);
    expect(permits(['users:read'], 'users:write')).toBe(false);
    expect(permits(['user:*'], 'users:read')).toBe(false);
    expect(permits(['users:read'], 'users')).toBe(false);
    expect(permitsAll(['users:read'], ['users:read', 'roles:read'])).toBe(false);
  });

  it('accepts only resource:action strings and wildcards', () => {
    for (const ok of ['*', 'users:read', 'content:*', 'audit_log:export']) expect(isPermission(ok)).toBe(true);
    for (const bad of ['', 'users', 'users:', ':read', 'Users:read', 'users:read:all', '*:read', 'users.read', 'a b:c']) expect(isPermission(bad)).toBe(false);
  });
});
