/**
 * Whether `granted` covers `required`, as the suite decides it: permissions are `resource:action`
 * strings, a granted `*` covers everything and `resource:*` every action on that resource.
 */
export function permits(granted: readonly string[], required: string): boolean {
  const resource = required.split(':', 1)[0];
  return granted.some((permission) => permission === '*' || permission === required || permission === `${resource}:*`);
}
