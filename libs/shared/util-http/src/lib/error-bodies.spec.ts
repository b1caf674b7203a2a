import { ErrorKind } from '@sigma/shared/util-errors';
import { renderError } from './error-bodies';
import { resolveRequestId } from './request-id';
import { RouteFamily, routeFamilyOf } from './route-family';

const context = { requestId: 'req_1', timestamp: '2026-11-22T10:00:00.000Z' };
const invalid = {
  kind: ErrorKind.VALIDATION,
  message: 'The request contains invalid data',
  details: [{ field: 'email', message: 'email must be an email' }],
};

describe('routeFamilyOf', () => {
  it.each([
    ['/oauth/token', RouteFamily.OAUTH],
    ['/oauth/v1/authorize', RouteFamily.OAUTH],
    ['/api/oauth/introspect', RouteFamily.OAUTH],
    ['/.well-known/jwks.json', RouteFamily.OAUTH],
    ['/privacy/export', RouteFamily.OAUTH],
    ['/identity/v2/sessions/active', RouteFamily.OAUTH],
    ['/api/v1/users', RouteFamily.SIGMA],
    ['/api/admin/users', RouteFamily.ADMIN],
    ['/api/users', RouteFamily.TENANT_API],
    ['/api/clients', RouteFamily.TENANT_API],
    ['/api/auth/create', RouteFamily.TENANT_API],
    ['/api/v1x', RouteFamily.SIGMA],
    ['/oauthx', RouteFamily.SIGMA],
    ['/nowhere', RouteFamily.SIGMA],
  ])('%s belongs to %s', (path, family) => {
    expect(routeFamilyOf(path)).toBe(family);
  });
});

describe('renderError', () => {
  it('answers seed 000/004 nested bodies under /api/v1', () => {
    const rendered = renderError(RouteFamily.SIGMA, invalid, context);
    expect(rendered.status).toBe(400);
    expect(rendered.body).toEqual({
      error: {
        code: 'VALIDATION_ERROR',
        message: 'The request contains invalid data',
        details: [{ field: 'email', message: 'email must be an email' }],
        request_id: 'req_1',
        timestamp: context.timestamp,
      },
    });
    expect(rendered.headers['x-request-id']).toBe('req_1');
  });

  it('answers seed 002 envelopes under /api/admin', () => {
    const rendered = renderError(RouteFamily.ADMIN, invalid, context);
    expect(rendered.body).toMatchObject({
      success: false,
      error: 'The request contains invalid data',
      code: 'VALIDATION_ERROR',
      details: { field: 'email', message: 'email must be an email' },
      timestamp: context.timestamp,
      requestId: 'req_1',
    });
    expect(renderError(RouteFamily.ADMIN, { kind: ErrorKind.INTERNAL, message: 'x', details: [] }, context).body['code']).toBe('INTERNAL_ERROR');
  });

  it('answers RFC 6749 bodies with WWW-Authenticate on OAuth routes', () => {
    const rendered = renderError(RouteFamily.OAUTH, { kind: ErrorKind.INVALID_TOKEN, message: 'The token is expired', details: [] }, context);
    expect(rendered.status).toBe(401);
    expect(rendered.body).toEqual({ error: 'invalid_token', error_description: 'The token is expired' });
    expect(rendered.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const grant = renderError(RouteFamily.OAUTH, { ...invalid, oauthError: 'invalid_grant' }, context);
    expect(grant.body['error']).toBe('invalid_grant');
    expect(grant.body['error_description']).toContain('email must be an email');
  });

  it('answers with the challenge the refusing code chose (DPoP at a protected resource), in any status it applies to', () => {
    const challenge = 'DPoP realm="sigma-iam", algs="ES256", error="invalid_dpop_proof"';
    const dpop = renderError(RouteFamily.OAUTH, { kind: ErrorKind.INVALID_TOKEN, message: 'bad proof', details: [], oauthError: 'invalid_dpop_proof', wwwAuthenticate: challenge }, context);
    expect({ status: dpop.status, challenge: dpop.headers['www-authenticate'], error: dpop.body['error'] }).toEqual({ status: 401, challenge, error: 'invalid_dpop_proof' });
    const scope = renderError(RouteFamily.OAUTH, { kind: ErrorKind.INSUFFICIENT_PERMISSIONS, message: 'no openid', details: [], oauthError: 'insufficient_scope', wwwAuthenticate: 'Bearer error="insufficient_scope"' }, context);
    expect({ status: scope.status, challenge: scope.headers['www-authenticate'] }).toEqual({ status: 403, challenge: 'Bearer error="insufficient_scope"' });
  });

  it('gives each family its own 429 body and a Retry-After header', () => {
    const limited = { kind: ErrorKind.RATE_LIMITED, message: 'Too many requests', details: [], retryAfterSeconds: 30 };
    expect(renderError(RouteFamily.TENANT_API, limited, context).body).toEqual({ error: 'Rate limit exceeded', retry_after: 30 });
    expect(renderError(RouteFamily.OAUTH, limited, context).body['error']).toBe('rate_limit_exceeded');
    expect(renderError(RouteFamily.SIGMA, limited, context).body).toMatchObject({ error: { code: 'RATE_LIMIT_EXCEEDED', retry_after: 30 } });
    expect(renderError(RouteFamily.ADMIN, limited, context).headers['retry-after']).toBe('30');
  });

  it.each([
    [ErrorKind.BAD_GATEWAY, 502],
    [ErrorKind.UNAVAILABLE, 503],
    [ErrorKind.TIMEOUT, 504],
  ])('maps %s to %i with temporarily_unavailable in OAuth bodies', (kind, status) => {
    const rendered = renderError(RouteFamily.OAUTH, { kind, message: 'down', details: [] }, context);
    expect(rendered.status).toBe(status);
    expect(rendered.body['error']).toBe('temporarily_unavailable');
  });
});

describe('resolveRequestId', () => {
  it('keeps a plausible incoming id and replaces anything else', () => {
    expect(resolveRequestId('abc-123')).toBe('abc-123');
    expect(resolveRequestId(['first', 'second'])).toBe('first');
    expect(resolveRequestId('has space\nnewline')).toMatch(/^req_[0-9a-f-]{36}$/);
    expect(resolveRequestId('x'.repeat(129))).toMatch(/^req_/);
    expect(resolveRequestId(undefined)).toMatch(/^req_/);
  });
});
