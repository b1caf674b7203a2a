import { trustProxyOf } from './gateway.settings';
import { withoutHopByHop } from './hop-by-hop';
import { isSafePath, upstreamOf } from './upstream-routes';

describe('gateway routing', () => {
  it.each([
    ['/oauth/token', 'auth-server'],
    ['/oauth/v1/authorize', 'auth-server'],
    ['/.well-known/openid-configuration', 'auth-server'],
    ['/identity/v2/sessions/active', 'session-service'],
    ['/identity/v2/subject/revoke', 'session-service'],
    ['/identity/v2/contextual-tokens/validate', 'auth-server'],
    ['/privacy/export/123', 'privacy-worker'],
    ['/api/v1/users/1/roles', 'user-directory'],
    ['/api/v1/auth/login', 'auth-server'],
    ['/api/admin/identity/sso-providers', 'auth-server'],
    ['/api/admin/identity/sessions', 'session-service'],
    ['/api/admin/users', 'user-directory'],
    ['/api/users', 'user-directory'],
    ['/api/clients', 'auth-server'],
  ])('routes %s to %s', (path, service) => {
    expect(upstreamOf(path)).toBe(service);
  });

  it.each(['/internal/openapi.json', '/health/ready', '/metrics', '/api/v1', '/api/usersx', '/'])('routes %s nowhere', (path) => {
    expect(upstreamOf(path)).toBeUndefined();
  });

  it.each(['/api/v1/users/../../internal/openapi.json', '/api/v1/users/%2e%2e/x', '/api/v1//users', '/api/v1/users/.', '/oauth\\token', '/api/v1/users%2Fx'])(
    'refuses the path %s',
    (path) => {
      expect(isSafePath(path)).toBe(false);
    },
  );

  it('accepts ordinary paths with queries', () => {
    expect(isSafePath('/api/v1/users?page=1&sort=email:asc')).toBe(true);
    expect(isSafePath('/.well-known/jwks.json')).toBe(true);
  });

  it('drops hop-by-hop headers, including those named by Connection', () => {
    expect(
      withoutHopByHop({ connection: 'keep-alive, x-secret-hop', 'keep-alive': 'timeout=5', 'x-secret-hop': '1', 'transfer-encoding': 'chunked', 'content-type': 'application/json', authorization: 'Bearer t' }),
    ).toEqual({ 'content-type': 'application/json', authorization: 'Bearer t' });
  });
});

describe('TRUST_PROXY', () => {
  it('trusts no proxy by default, a hop count, or a list of addresses and ranges', () => {
    expect(trustProxyOf('false')).toBe(false);
    expect(trustProxyOf('1')).toBe(1);
    expect(trustProxyOf('loopback, 10.0.0.0/8')).toEqual(['loopback', '10.0.0.0/8']);
  });
});
