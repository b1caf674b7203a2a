import { SYSTEM_PERMISSIONS } from '@sigma/directory/domain';
import { permits } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

const SUITE_RESOURCES: ReadonlySet<string> = new Set(SYSTEM_PERMISSIONS.map((permission) => permission.module));

/**
 * The permissions among `wanted` the caller could not hand out: `*` unless it holds `*`, and suite
 * permissions (users, roles, tenants, ...) it does not hold. A tenant's own application
 * permissions (`content:write`) are free. The same rule the role and group APIs apply.
 */
export function ungrantable(granted: readonly string[], wanted: readonly string[]): string[] {
  return wanted.filter((permission) => {
    if (permission === '*') return !granted.includes('*');
    const [resource] = permission.split(':');
    return SUITE_RESOURCES.has(resource) && !permits(granted, permission);
  });
}

/** No privilege escalation through a user's roles: a caller gives only roles whose permissions it could grant itself. */
export function assertMayGrantRoles(granted: readonly string[], roles: ReadonlyArray<{ name: string; permissions: readonly string[] }>): void {
  const refused = roles.filter((role) => ungrantable(granted, role.permissions).length > 0);
  if (refused.length > 0) {
    throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, `the caller cannot grant the role${refused.length > 1 ? 's' : ''} ${refused.map((r) => r.name).join(', ')}: it holds more than the caller`);
  }
}

/** A caller changes or deletes only users who hold nothing it could not grant (an admin cannot remove a super-admin). */
export function assertMayManage(granted: readonly string[], target: readonly string[]): void {
  if (ungrantable(granted, target).length > 0) {
    throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the caller cannot change a user who holds permissions the caller does not hold');
  }
}
