import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import { matchesTokenHash } from '@sigma/shared/util-crypto';
import { snakeCaseFieldNames } from './client-options.request.dto';
import { buildClientRegistration, ClientRegistrationInput, originProblem, redirectUriProblem, slugOf } from './client-registration';
import { CAMEL_CASE_FIELD_NAMES } from './register-application.request.dto';

const tenantId = randomUUID();
const FIELDS = snakeCaseFieldNames('client_name');
const base: ClientRegistrationInput = { name: 'My Application', status: 'active', redirectUris: ['https://myapp.com/callback'] };

function problemsOf(input: Partial<ClientRegistrationInput>, fields = FIELDS): Array<{ field: string; message: string }> {
  try {
    buildClientRegistration(tenantId, { ...base, ...input }, fields);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe(ErrorKind.VALIDATION);
    return (error as DomainError).details;
  }
  throw new Error('the registration was accepted');
}

const JWKS = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' }] };

describe('client registration rules', () => {
  it('builds a confidential client with the defaults and a 256-bit secret stored only as its hash', () => {
    const { client, secret } = buildClientRegistration(tenantId, base, FIELDS);
    expect(client).toMatchObject({
      tenantId,
      name: 'My Application',
      slug: 'my-application',
      clientType: 'confidential',
      appType: 'web',
      status: 'active',
      tokenEndpointAuthMethod: 'client_secret_basic',
      allowedGrantTypes: ['authorization_code', 'refresh_token'],
      allowedScopes: ['openid', 'profile', 'email'],
      requirePkce: true,
      allowPlainPkce: false,
      dpopBound: false,
      requirePar: false,
      fapi2: false,
      allowImplicit: false,
      firstParty: false,
      settings: { allowRegistration: false, requireEmailVerification: true, defaultRole: 'user', sessionTimeout: 3600, maxSessions: 5 },
      branding: { primaryColor: '#3b82f6', secondaryColor: '#64748b', logoUrl: null },
    });
    expect(client.clientId).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(Buffer.from(secret ?? '', 'base64url')).toHaveLength(32);
    expect(client.secretHash).not.toContain(secret);
    expect(matchesTokenHash(secret ?? '', client.secretHash ?? '')).toBe(true);
  });

  it('gives every client its own random client id and secret', () => {
    const a = buildClientRegistration(tenantId, base, FIELDS);
    const b = buildClientRegistration(tenantId, base, FIELDS);
    expect(a.client.clientId).not.toBe(b.client.clientId);
    expect(a.secret).not.toBe(b.secret);
  });

  it('gives public clients no secret, method none and mandatory PKCE', () => {
    const { client, secret } = buildClientRegistration(tenantId, { ...base, clientType: 'public' }, FIELDS);
    expect(secret).toBeNull();
    expect(client).toMatchObject({ clientType: 'public', tokenEndpointAuthMethod: 'none', secretHash: null, requirePkce: true });
  });

  it('makes mobile and desktop applications public by default', () => {
    const { client } = buildClientRegistration(tenantId, { ...base, appType: 'mobile', redirectUris: ['com.example.app:/callback'] }, FIELDS);
    expect(client.clientType).toBe('public');
  });

  it('refuses public clients with a secret method, without PKCE or with client_credentials', () => {
    expect(problemsOf({ clientType: 'public', tokenEndpointAuthMethod: 'client_secret_basic' })).toContainEqual({
      field: 'token_endpoint_auth_method',
      message: expect.stringContaining('none for public'),
    });
    expect(problemsOf({ clientType: 'public', requirePkce: false })).toContainEqual({ field: 'require_pkce', message: 'public clients must use PKCE' });
    expect(problemsOf({ clientType: 'public', grantTypes: ['client_credentials'] })).toContainEqual({
      field: 'allowed_grant_types',
      message: 'client_credentials needs a confidential client',
    });
  });

  it('refuses none for confidential clients', () => {
    expect(problemsOf({ tokenEndpointAuthMethod: 'none' })).toContainEqual({ field: 'token_endpoint_auth_method', message: 'none is allowed only for public clients' });
  });

  it('accepts only supported grant types and refuses implicit unless allowed', () => {
    expect(problemsOf({ grantTypes: ['password'] })[0]).toMatchObject({ field: 'allowed_grant_types', message: expect.stringContaining('password is not supported') });
    expect(problemsOf({ grantTypes: [] })[0]).toMatchObject({ field: 'allowed_grant_types' });
    expect(problemsOf({ grantTypes: ['implicit'] })).toContainEqual({ field: 'allowed_grant_types', message: expect.stringContaining('allow_implicit') });
    const { client } = buildClientRegistration(tenantId, { ...base, grantTypes: ['implicit'], allowImplicit: true }, FIELDS);
    expect(client).toMatchObject({ allowedGrantTypes: ['implicit'], allowImplicit: true });
  });

  it('needs redirect URIs for browser grants only', () => {
    expect(problemsOf({ redirectUris: [] })).toContainEqual({ field: 'redirect_uris', message: expect.stringContaining('at least one') });
    const { client } = buildClientRegistration(tenantId, { ...base, redirectUris: [], grantTypes: ['client_credentials'] }, FIELDS);
    expect(client.redirectUris).toEqual([]);
  });

  it('names problems as the caller spelt the fields', () => {
    expect(problemsOf({ redirectUris: ['https://a.example/cb#x'] }, CAMEL_CASE_FIELD_NAMES)[0].field).toBe('callbackUrls');
    expect(problemsOf({ redirectUris: ['https://a.example/cb#x'] })[0].field).toBe('redirect_uris');
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ redirectUris: ['http://evil.example/cb'], scopes: ['read write'], slug: 'Bad Slug' }).map((p) => p.field)).toEqual([
      'redirect_uris',
      'allowed_scopes',
      'slug',
    ]);
  });

  describe('private_key_jwt', () => {
    it('needs exactly one of jwks and jwks_uri and issues no secret', () => {
      expect(problemsOf({ tokenEndpointAuthMethod: 'private_key_jwt' })[0]).toMatchObject({ field: 'jwks', message: expect.stringContaining('exactly one of jwks and jwks_uri') });
      expect(problemsOf({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: JWKS, jwksUri: 'https://a.example/jwks' })[0].field).toBe('jwks');
      const { client, secret } = buildClientRegistration(tenantId, { ...base, tokenEndpointAuthMethod: 'private_key_jwt', jwks: JWKS }, FIELDS);
      expect(secret).toBeNull();
      expect(client).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', secretHash: null, jwks: JWKS, jwksUri: null });
      expect(buildClientRegistration(tenantId, { ...base, tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://a.example/jwks' }, FIELDS).client.jwksUri).toBe(
        'https://a.example/jwks',
      );
    });

    it('refuses private or symmetric keys, empty sets and http key locations', () => {
      const withKey = (key: Record<string, unknown>) => problemsOf({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key] } });
      expect(withKey({ ...JWKS.keys[0], d: 'secret' })[0].message).toContain('public keys only');
      expect(withKey({ kty: 'oct', k: 'c2VjcmV0' })[0].message).toContain('public EC, RSA or OKP');
      expect(withKey({ ...JWKS.keys[0], use: 'enc' })[0].message).toContain('signature keys');
      expect(problemsOf({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [] } })[0].field).toBe('jwks');
      expect(problemsOf({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'http://keys.example/jwks' })[0].field).toBe('jwks_uri');
    });

    it('refuses key material for other methods', () => {
      expect(problemsOf({ jwks: JWKS })).toContainEqual({ field: 'jwks', message: 'is used only with private_key_jwt' });
    });
  });

  describe('the FAPI 2.0 switch', () => {
    it('forces PAR, PKCE, DPoP and private_key_jwt', () => {
      const { client, secret } = buildClientRegistration(tenantId, { ...base, fapi2: true, jwks: JWKS }, FIELDS);
      expect(secret).toBeNull();
      expect(client).toMatchObject({ fapi2: true, clientType: 'confidential', tokenEndpointAuthMethod: 'private_key_jwt', requirePar: true, requirePkce: true, dpopBound: true, allowPlainPkce: false });
    });

    it('refuses settings that contradict it', () => {
      const fields = problemsOf({ fapi2: true, jwks: JWKS, requirePar: false, dpopBound: false, requirePkce: false, allowPlainPkce: true }).map((p) => p.field);
      expect(fields).toEqual(expect.arrayContaining(['require_par', 'dpop_bound', 'require_pkce', 'allow_plain_pkce']));
      expect(problemsOf({ fapi2: true, tokenEndpointAuthMethod: 'client_secret_basic' })).toContainEqual({
        field: 'token_endpoint_auth_method',
        message: 'the FAPI 2.0 profile needs private_key_jwt',
      });
      expect(problemsOf({ fapi2: true, clientType: 'public' }).map((p) => p.field)).toContain('fapi2');
    });
  });

  it('keeps seed 002 settings and branding over the defaults', () => {
    const { client } = buildClientRegistration(
      tenantId,
      { ...base, settings: { maxSessions: 2, sessionTimeout: undefined }, branding: { primaryColor: '#f59e0b' } },
      CAMEL_CASE_FIELD_NAMES,
    );
    expect(client.settings).toEqual({ allowRegistration: false, requireEmailVerification: true, defaultRole: 'user', sessionTimeout: 3600, maxSessions: 2 });
    expect(client.branding).toEqual({ primaryColor: '#f59e0b', secondaryColor: '#64748b', logoUrl: null });
  });

  it('refuses scopes that are not RFC 6749 scope tokens', () => {
    expect(problemsOf({ scopes: ['read', 'has space'] })).toEqual([{ field: 'allowed_scopes', message: expect.stringContaining('has space is not a valid scope token') }]);
    expect(problemsOf({ scopes: ['quo"te'] })[0].field).toBe('allowed_scopes');
  });
});

describe('redirect URI rules', () => {
  it.each([
    ['https://app.example.com/callback', 'web'],
    ['https://app.example.com:8443/cb?x=1', 'web'],
    ['http://localhost:3000/callback', 'web'],
    ['http://127.0.0.1:51234/cb', 'desktop'],
    ['http://[::1]/cb', 'desktop'],
    ['com.example.app:/oauth2redirect', 'mobile'],
    ['com.example.desktop://callback', 'desktop'],
  ] as const)('accepts %s for a %s application', (uri, appType) => {
    expect(redirectUriProblem(uri, appType)).toBeUndefined();
  });

  it.each([
    ['/callback', 'web', 'absolute'],
    ['https://app.example.com/cb#state', 'web', 'fragment'],
    ['https://app.example.com/cb#', 'web', 'fragment'],
    ['http://app.example.com/cb', 'web', 'loopback'],
    ['https://*.example.com/cb', 'web', 'wildcards'],
    ['javascript:alert(1)', 'mobile', 'javascript'],
    ['data:text/html,hi', 'mobile', 'data'],
    ['com.example.app:/cb', 'web', 'mobile and desktop'],
    ['myapp://callback', 'mobile', 'reverse-domain'],
    ['https://user:pw@app.example.com/cb', 'web', 'credentials'],
    ['https://app.example.com/a/../cb', 'web', 'segments'],
    ['https://app.example.com/ cb', 'web', 'whitespace'],
  ] as const)('refuses %s for a %s application (%s)', (uri, appType, why) => {
    expect(redirectUriProblem(uri, appType)).toContain(why);
  });
});

describe('origins and slugs', () => {
  it('accepts bare origins only', () => {
    expect(originProblem('https://app.example.com')).toBeUndefined();
    expect(originProblem('http://localhost:3000')).toBeUndefined();
    expect(originProblem('https://app.example.com/')).toContain('origin only');
    expect(originProblem('https://app.example.com/path')).toContain('origin only');
    expect(originProblem('http://app.example.com')).toContain('loopback');
    expect(originProblem('app.example.com')).toBeDefined();
  });

  it('derives slugs from names', () => {
    expect(slugOf('My Application')).toBe('my-application');
    expect(slugOf('  Café — Ünïcode!! ')).toBe('cafe-unicode');
    expect(slugOf('!!!')).toBe('application');
  });
});
