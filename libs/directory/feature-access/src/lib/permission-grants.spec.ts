import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { assertGrantable, canonicalPermission, canonicalPermissions, slugOf, ungrantablePermissions } from './permission-grants';

describe('permission grants', () => {
  it("accepts resource:action, wildcards and seed 004's dotted form, canonically", () => {
    expect(canonicalPermission('users:read')).toBe('users:read');
    expect(canonicalPermission('user.read')).toBe('user:read');
    expect(canonicalPermission('Tenant.Read')).toBe('tenant:read');
    expect(canonicalPermission('content:*')).toBe('content:*');
    expect(canonicalPermission('*')).toBe('*');
    for (const bad of ['', 'users', 'users:', ':read', 'a.b.c', 'users:read:all', 'users read', '**', 'ü:read']) expect(canonicalPermission(bad)).toBeUndefined();
    expect(canonicalPermissions(['user.read', 'user:read', 'media:write'])).toEqual(['user:read', 'media:write']);
  });

  it('names every malformed permission by its index', () => {
    try {
      canonicalPermissions(['users:read', 'nope', 'x y']);
      fail('expected a validation error');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).kind).toBe(ErrorKind.VALIDATION);
      expect((error as DomainError).details.map((d) => d.field)).toEqual(['permissions[1]', 'permissions[2]']);
    }
  });

  it('refuses suite permissions the caller lacks and * to anyone without *, leaving custom resources free', () => {
    const admin = ['users:*', 'roles:*', 'groups:*', 'permissions:read', 'tenants:read'];
    expect(ungrantablePermissions(admin, ['users:read', 'users:*', 'roles:write', 'content:write', 'media:*'])).toEqual([]);
    expect(ungrantablePermissions(admin, ['*', 'tenants:write', 'tenants:*', 'privacy:read', 'tenants:read'])).toEqual(['*', 'tenants:write', 'tenants:*', 'privacy:read']);
    expect(ungrantablePermissions(['*'], ['*', 'tenants:write'])).toEqual([]);
    expect(() => assertGrantable(admin, ['*'])).toThrow(expect.objectContaining({ kind: ErrorKind.INSUFFICIENT_PERMISSIONS }));
  });

  it('derives slugs from names', () => {
    expect(slugOf('Content Manager')).toBe('content-manager');
    expect(slugOf('  Équipe  Ops!! ')).toBe('equipe-ops');
    expect(slugOf('!!!')).toBe('');
  });
});
