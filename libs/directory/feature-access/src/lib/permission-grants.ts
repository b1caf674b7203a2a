import { SYSTEM_PERMISSIONS } from '@sigma/directory/domain';
import { isPermission, permits } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind, FieldProblem } from '@sigma/shared/util-errors';

/** Resources the suite itself checks permissions on (users, roles, tenants, ...). */
export const SUITE_RESOURCES: ReadonlySet<string> = new Set(SYSTEM_PERMISSIONS.map((permission) => permission.module));

const DOTTED = /^([a-z][a-z0-9_-]{0,62})\.([a-z][a-z0-9_-]{0,62}|\*)$/;

/**
 * A permission in its canonical `resource:action` form. Seed 004 writes permissions as
 * `resource.action` (`user.read`): those are accepted and stored as `user:read`. Anything else
 * that is not `resource:action`, `resource:*` or `*` is undefined.
 */
export function canonicalPermission(raw: string): string | undefined {
  const value = raw.trim().toLowerCase();
  if (isPermission(value)) return value;
  const dotted = DOTTED.exec(value);
  return dotted ? `${dotted[1]}:${dotted[2]}` : undefined;
}

/** Canonical, de-duplicated permissions in their given order; a field error for each malformed one. */
export function canonicalPermissions(raw: readonly string[], field = 'permissions'): string[] {
  const problems: FieldProblem[] = [];
  const result: string[] = [];
  raw.forEach((value, index) => {
    const canonical = canonicalPermission(value);
    if (canonical === undefined) problems.push({ field: `${field}[${index}]`, message: 'must be resource:action (e.g. users:read), resource:* or *' });
    else if (!result.includes(canonical)) result.push(canonical);
  });
  if (problems.length > 0) throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: problems });
  return result;
}

/**
 * No privilege escalation: a caller may put into a role or group, or grant through one, only
 * suite permissions it holds itself, and `*` only when it holds `*`. Permissions on other
 * resources (a tenant's own application vocabulary, such as `content:write`) are the tenant
 * administrator's to define freely.
 */
export function ungrantablePermissions(granted: readonly string[], wanted: readonly string[]): string[] {
  return wanted.filter((permission) => {
    if (permission === '*') return !granted.includes('*');
    const [resource] = permission.split(':');
    return SUITE_RESOURCES.has(resource) && !permits(granted, permission);
  });
}

export function assertGrantable(granted: readonly string[], wanted: readonly string[]): void {
  const refused = ungrantablePermissions(granted, wanted);
  if (refused.length > 0) {
    throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, `the caller cannot grant permissions it does not hold: ${refused.join(', ')}`);
  }
}

/** A slug from a display name: `Content Manager` → `content-manager`. */
export function slugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
