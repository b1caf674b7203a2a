import { hasPathPrefix } from '@sigma/shared/util-http';
import type { GatewaySettings } from './gateway.settings';

export type UpstreamService = 'auth-server' | 'user-directory' | 'session-service' | 'privacy-worker';

/**
 * Which service owns each public route prefix (API.md, endpoints.tsv). The longest matching
 * prefix wins. Anything else is not routed: internal routes (`/internal/*`, service probes) are
 * unreachable through the gateway.
 */
export const ROUTES: ReadonlyArray<readonly [string, UpstreamService]> = [
  ['/oauth', 'auth-server'],
  ['/api/oauth', 'auth-server'],
  ['/.well-known', 'auth-server'],
  ['/webauthn', 'auth-server'],
  ['/device', 'auth-server'],
  ['/identity/v2/contextual-tokens', 'auth-server'],
  ['/identity/v2/sessions', 'session-service'],
  ['/identity/v2/subject', 'session-service'],
  ['/privacy', 'privacy-worker'],
  ['/api/v1/auth', 'auth-server'],
  ['/api/v1/applications', 'auth-server'],
  ['/api/v1/users', 'user-directory'],
  ['/api/v1/me', 'user-directory'],
  ['/api/v1/tenants', 'user-directory'],
  ['/api/v1/roles', 'user-directory'],
  ['/api/admin/identity/auth', 'auth-server'],
  ['/api/admin/identity/sso', 'auth-server'],
  ['/api/admin/identity/sso-providers', 'auth-server'],
  ['/api/admin/identity/applications', 'auth-server'],
  ['/api/admin/identity/sessions', 'session-service'],
  ['/api/admin/identity/roles', 'user-directory'],
  ['/api/admin/identity/permissions', 'user-directory'],
  ['/api/admin/identity/groups', 'user-directory'],
  ['/api/admin/users', 'user-directory'],
  ['/api/auth', 'auth-server'],
  ['/api/clients', 'auth-server'],
  ['/api/users', 'user-directory'],
];

const BY_LENGTH = [...ROUTES].sort((a, b) => b[0].length - a[0].length);

export function upstreamOf(path: string): UpstreamService | undefined {
  return routeOf(path)?.service;
}

/** The matching route: its prefix (a low-cardinality metrics label) and the owning service. */
export function routeOf(path: string): { prefix: string; service: UpstreamService } | undefined {
  const match = BY_LENGTH.find(([prefix]) => hasPathPrefix(path, prefix));
  return match && { prefix: match[0], service: match[1] };
}

export function upstreamUrls(settings: GatewaySettings): Record<UpstreamService, string> {
  return {
    'auth-server': settings.AUTH_SERVER_URL,
    'user-directory': settings.USER_DIRECTORY_URL,
    'session-service': settings.SESSION_SERVICE_URL,
    'privacy-worker': settings.PRIVACY_WORKER_URL,
  };
}

const UNSAFE = /(^|\/)\.\.?(\/|$)|\/\/|\\|%2e|%2f|%5c|%00/i;

/**
 * Dot segments, doubled or encoded slashes and backslashes are refused rather than forwarded, so
 * no spelling of a path can reach a route the table does not name.
 */
export function isSafePath(rawPath: string): boolean {
  return !UNSAFE.test(rawPath);
}
