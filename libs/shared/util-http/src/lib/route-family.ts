/**
 * The public API is made of route families (API.md), each with its own error body.
 * A path's family is decided by its prefix, on segment boundaries.
 */
export enum RouteFamily {
  /** Seeds 001 and 000's `/oauth/v1`: `{error, error_description, error_uri?}`. */
  OAUTH = 'oauth',
  /** Seeds 000 and 004 under `/api/v1`: `{error: {code, message, details, request_id, timestamp}}`. */
  SIGMA = 'sigma',
  /** Seed 002 under `/api/admin`: `{success: false, error, code, details, timestamp, requestId}`. */
  ADMIN = 'admin',
  /** Seed 003's tenant API-key routes: `{error, error_description}`, 429 as `{error, retry_after}`. */
  TENANT_API = 'tenant-api',
}

const PREFIXES: ReadonlyArray<readonly [string, RouteFamily]> = [
  ['/oauth', RouteFamily.OAUTH],
  ['/api/oauth', RouteFamily.OAUTH],
  ['/.well-known', RouteFamily.OAUTH],
  ['/webauthn', RouteFamily.OAUTH],
  ['/identity', RouteFamily.OAUTH],
  ['/privacy', RouteFamily.OAUTH],
  ['/device', RouteFamily.OAUTH],
  ['/api/v1', RouteFamily.SIGMA],
  ['/api/admin', RouteFamily.ADMIN],
  ['/api/auth', RouteFamily.TENANT_API],
  ['/api/clients', RouteFamily.TENANT_API],
  ['/api/users', RouteFamily.TENANT_API],
];

export function hasPathPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/**
 * The family whose error body a path answers with. Paths outside every family (health, metrics,
 * unknown routes) answer in the Sigma body, which carries a code, a message and the request id.
 */
export function routeFamilyOf(path: string): RouteFamily {
  for (const [prefix, family] of PREFIXES) {
    if (hasPathPrefix(path, prefix)) return family;
  }
  return RouteFamily.SIGMA;
}
