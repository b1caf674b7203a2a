import { DomainError } from '@sigma/shared/util-errors';
import { formParamsOf, requiredParam, scopesOf } from './form-params';

function oauthErrorOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof DomainError ? error.oauthError : 'not a DomainError';
  }
  return undefined;
}

describe('form parameters', () => {
  it('keeps single string values and drops empty ones (RFC 6749 §3.1)', () => {
    expect(formParamsOf({ grant_type: 'client_credentials', scope: '' })).toEqual({ grant_type: 'client_credentials' });
    expect(formParamsOf(undefined)).toEqual({});
  });

  it('refuses repeated parameters and non-string values as invalid_request', () => {
    expect(oauthErrorOf(() => formParamsOf({ scope: ['a', 'b'] }))).toBe('invalid_request');
    expect(oauthErrorOf(() => formParamsOf({ scope: { a: 1 } }))).toBe('invalid_request');
    expect(oauthErrorOf(() => formParamsOf('grant_type=x'))).toBe('invalid_request');
    expect(oauthErrorOf(() => requiredParam({}, 'code'))).toBe('invalid_request');
  });

  it('splits scopes, drops duplicates and refuses characters outside RFC 6749 §3.3', () => {
    expect(scopesOf('api:read  api:write api:read')).toEqual(['api:read', 'api:write']);
    expect(scopesOf(undefined)).toBeUndefined();
    expect(oauthErrorOf(() => scopesOf('api"read'))).toBe('invalid_scope');
    expect(oauthErrorOf(() => scopesOf('api\\read'))).toBe('invalid_scope');
  });
});
