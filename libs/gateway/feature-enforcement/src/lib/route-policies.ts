import { hasPathPrefix } from '@sigma/shared/util-http';

/**
 * Whether the gateway demands an access token on a route (ADR 0016):
 * - `required`: no token, or a token that does not verify, is 401 before the service is reached;
 * - `optional`: a token sent with the Bearer or DPoP scheme must verify, but none is needed (the
 *   service decides, e.g. WebAuthn ceremonies that start anonymous);
 * - `none`: the gateway does not look at credentials (discovery, OAuth endpoints with client
 *   authentication, login APIs that take passwords or refresh tokens, seed 003's API-key routes
 *   where `Authorization: Bearer` carries an API key, pages, health).
 */
export type AuthRequirement = 'required' | 'optional' | 'none';

export const AUTH_POLICIES: ReadonlyArray<readonly [string, AuthRequirement]> = [
  ['/api/v1/users', 'required'],
  ['/api/v1/me', 'required'],
  ['/api/v1/tenants', 'required'],
  ['/api/v1/roles', 'required'],
  ['/api/v1/applications', 'required'],
  ['/api/v1/auth', 'none'],
  ['/api/admin', 'required'],
  ['/api/admin/identity/auth', 'none'],
  ['/api/admin/identity/sso', 'none'],
  ['/identity/v2/sessions', 'required'],
  ['/identity/v2/subject', 'required'],
  ['/identity/v2/contextual-tokens', 'optional'],
  ['/privacy', 'optional'],
  ['/webauthn', 'optional'],
  ['/oauth', 'none'],
  ['/api/oauth', 'none'],
  ['/.well-known', 'none'],
  ['/device', 'none'],
  ['/api/auth', 'none'],
  ['/api/clients', 'none'],
  ['/api/users', 'none'],
];

const AUTH_BY_LENGTH = [...AUTH_POLICIES].sort((a, b) => b[0].length - a[0].length);

/** The longest matching prefix decides; paths outside every family (health, metrics, docs) are `none`. */
export function authRequirementOf(path: string): AuthRequirement {
  return AUTH_BY_LENGTH.find(([prefix]) => hasPathPrefix(path, prefix))?.[1] ?? 'none';
}

/** Who a rate limit counts: API.md's key column. */
export type RateLimitKey = 'ip+username' | 'ip' | 'user' | 'tenant+ip' | 'application';

export interface RateLimitPolicy {
  /** A short name, also the counter namespace and the metrics label. */
  name: string;
  limit: number;
  windowSeconds: number;
  /** At most this many requests within any one second, besides the window's limit. */
  burst?: number;
  key: RateLimitKey;
  /** Per-tenant overrides (the directory's `rate_limit`) replace limit and burst. */
  tenantConfigurable: boolean;
}

const LOGIN: RateLimitPolicy = { name: 'login', limit: 5, windowSeconds: 60, key: 'ip+username', tenantConfigurable: false };
const ADMIN_LOGIN: RateLimitPolicy = { name: 'admin-login', limit: 10, windowSeconds: 60, key: 'ip', tenantConfigurable: false };
const REFRESH: RateLimitPolicy = { name: 'refresh', limit: 10, windowSeconds: 60, key: 'ip', tenantConfigurable: false };
const ADMIN: RateLimitPolicy = { name: 'admin', limit: 100, windowSeconds: 60, key: 'user', tenantConfigurable: false };
const TENANT_API: RateLimitPolicy = { name: 'tenant-api', limit: 100, windowSeconds: 60, burst: 10, key: 'tenant+ip', tenantConfigurable: true };
const DEFAULT: RateLimitPolicy = { name: 'default', limit: 1000, windowSeconds: 60, key: 'application', tenantConfigurable: false };

/** API.md's rate-limit table: the policy of a request. Every window slides (ADR 0017). */
export function rateLimitPolicyOf(method: string, path: string): RateLimitPolicy {
  if (method === 'POST' && (path === '/api/v1/auth/login' || path === '/api/v1/auth/mfa/verify')) return LOGIN;
  if (method === 'POST' && path === '/api/v1/auth/refresh') return REFRESH;
  if (hasPathPrefix(path, '/api/admin/identity/auth') || hasPathPrefix(path, '/api/admin/identity/sso')) return ADMIN_LOGIN;
  if (hasPathPrefix(path, '/api/admin')) return ADMIN;
  if (['/api/auth', '/api/clients', '/api/users', '/api/oauth'].some((prefix) => hasPathPrefix(path, prefix))) return TENANT_API;
  return DEFAULT;
}
