import { authRequirementOf, rateLimitPolicyOf } from './route-policies';

describe('route policies', () => {
  it.each([
    ['/api/v1/users', 'required'],
    ['/api/v1/me/roles', 'required'],
    ['/api/v1/applications', 'required'],
    ['/api/admin/users/1', 'required'],
    ['/api/admin/identity/sessions', 'required'],
    ['/api/admin/identity/sso-providers', 'required'],
    ['/identity/v2/sessions/active', 'required'],
    ['/identity/v2/subject/revoke', 'required'],
    ['/api/v1/auth/login', 'none'],
    ['/api/admin/identity/auth', 'none'],
    ['/api/admin/identity/sso', 'none'],
    ['/oauth/token', 'none'],
    ['/.well-known/jwks.json', 'none'],
    ['/api/users', 'none'],
    ['/api/auth/validate', 'none'],
    ['/health', 'none'],
    ['/metrics', 'none'],
    ['/webauthn/registration/options', 'optional'],
    ['/privacy/export', 'optional'],
  ])('%s is %s', (path, requirement) => {
    expect(authRequirementOf(path)).toBe(requirement);
  });

  it.each([
    ['POST', '/api/v1/auth/login', 'login', 5, 'ip+username'],
    ['POST', '/api/v1/auth/mfa/verify', 'login', 5, 'ip+username'],
    ['POST', '/api/v1/auth/refresh', 'refresh', 10, 'ip'],
    ['POST', '/api/admin/identity/auth', 'admin-login', 10, 'ip'],
    ['GET', '/api/admin/identity/sso', 'admin-login', 10, 'ip'],
    ['GET', '/api/admin/users', 'admin', 100, 'user'],
    ['GET', '/api/admin/identity/roles', 'admin', 100, 'user'],
    ['POST', '/api/auth/create', 'tenant-api', 100, 'tenant+ip'],
    ['POST', '/api/oauth/token', 'tenant-api', 100, 'tenant+ip'],
    ['GET', '/api/users', 'tenant-api', 100, 'tenant+ip'],
    ['GET', '/api/v1/users', 'default', 1000, 'application'],
    ['GET', '/api/v1/auth/login', 'default', 1000, 'application'],
    ['POST', '/oauth/token', 'default', 1000, 'application'],
  ])('%s %s is limited by %s (%i a minute per %s)', (method, path, name, limit, key) => {
    expect(rateLimitPolicyOf(method, path)).toMatchObject({ name, limit, windowSeconds: 60, key });
  });
});
