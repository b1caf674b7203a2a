/**
 * Permissions are `resource:action` strings (`users:read`). A granted `*` covers everything and a
 * granted `resource:*` covers every action on that resource (ARCHITECTURE.md).
 */
export const PERMISSION_PATTERN = /^(?:\*|[a-z][a-z0-9_-]{0,62}:(?:\*|[a-z][a-z0-9_-]{0,62}))$/;

export function isPermission(value: string): boolean {
  return PERMISSION_PATTERN.test(value);
}

export function permits(granted: readonly string[], required: string): boolean {
  const [resource] = required.split(':');
  return granted.some((permission) => permission === '*' || permission === required || permission === `${resource}:*`);
}

export function permitsAll(granted: readonly string[], required: readonly string[]): boolean {
  return required.every((permission) => permits(granted, permission));
}
