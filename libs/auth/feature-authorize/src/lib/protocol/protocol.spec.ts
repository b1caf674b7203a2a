import type { ClientRecord } from '@sigma/auth/feature-clients';
import { createHash } from 'node:crypto';
import { AuthorizationError } from './authorization-error';
import { authorizationParamsOf, authorizationRequestOf, authorizationResponseUrl, redirectUriOf } from './authorization-request';
import { isPkceValue, verifyPkce } from './pkce';
import { newUserCode, normalizeUserCode, USER_CODE_ALPHABET } from './user-code';

const CALLBACK = 'https://app.example.test/callback';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function client(overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    id: 'id',
    tenantId: 'tenant',
    clientId: 'client',
    name: 'App',
    slug: 'app',
    description: null,
    clientType: 'confidential',
    appType: 'web',
    status: 'active',
    url: null,
    redirectUris: [CALLBACK, 'https://app.example.test/other'],
    postLogoutRedirectUris: [],
    allowedGrantTypes: ['authorization_code', 'refresh_token'],
    allowedScopes: ['openid', 'profile', 'email'],
    allowedOrigins: [],
    tokenLifetimes: { accessToken: null, refreshToken: null, idToken: null },
    tokenEndpointAuthMethod: 'client_secret_basic',
    secretHash: 'x',
    jwks: null,
    jwksUri: null,
    requirePkce: true,
    allowPlainPkce: false,
    dpopBound: false,
    dpopNonceRequired: false,
    requirePar: false,
    fapi2: false,
    allowImplicit: false,
    firstParty: false,
    settings: { allowRegistration: false, requireEmailVerification: false, defaultRole: 'user', sessionTimeout: 3600, maxSessions: 5 },
    branding: { primaryColor: '#123456', secondaryColor: '#654321', logoUrl: null },
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

function refusal(run: () => unknown): AuthorizationError {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthorizationError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('PKCE (RFC 7636)', () => {
  it('verifies the appendix B example with S256 and refuses other verifiers', () => {
    expect(verifyPkce(VERIFIER, CHALLENGE, 'S256')).toBe(true);
    expect(verifyPkce(`${VERIFIER.slice(0, -1)}A`, CHALLENGE, 'S256')).toBe(false);
    expect(verifyPkce(VERIFIER, VERIFIER, 'plain')).toBe(true);
    expect(verifyPkce(VERIFIER, CHALLENGE, 'plain')).toBe(false);
  });

  it('refuses verifiers outside 43-128 unreserved characters', () => {
    const short = 'a'.repeat(42);
    expect(isPkceValue(short)).toBe(false);
    expect(verifyPkce(short, createHash('sha256').update(short).digest('base64url'), 'S256')).toBe(false);
    expect(isPkceValue('a'.repeat(129))).toBe(false);
    expect(isPkceValue(`${'a'.repeat(43)}+`)).toBe(false);
    expect(isPkceValue('a'.repeat(128))).toBe(true);
  });
});

describe('user codes (RFC 8628 §6.1)', () => {
  it('draws XXXX-XXXX from consonants only', () => {
    for (let i = 0; i < 200; i += 1) {
      const code = newUserCode();
      expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
      expect([...code.replace('-', '')].every((c) => USER_CODE_ALPHABET.includes(c))).toBe(true);
    }
    expect(USER_CODE_ALPHABET).not.toMatch(/[AEIOUY0-9]/);
  });

  it('normalizes what people type and refuses what cannot be a code', () => {
    expect(normalizeUserCode('wdjb-mjht')).toBe('WDJB-MJHT');
    expect(normalizeUserCode(' WDJB MJHT ')).toBe('WDJB-MJHT');
    expect(normalizeUserCode('WDJBMJHT')).toBe('WDJB-MJHT');
    expect(normalizeUserCode('WDJB-MJH')).toBeUndefined();
    expect(normalizeUserCode('WAJB-MJHT')).toBeUndefined();
  });
});

describe('redirect URIs (RFC 9700 §4.1.3)', () => {
  it('accepts only exact registered strings; tricks are error pages, never redirects', () => {
    expect(redirectUriOf(client(), CALLBACK)).toBe(CALLBACK);
    for (const trick of [`${CALLBACK}/`, `${CALLBACK}?a=1`, `${CALLBACK}#x`, 'https://app.example.test/callbac', 'https://APP.example.test/callback', 'https://app.example.test:443/callback', 'https://app.example.test.evil/callback']) {
      const error = refusal(() => redirectUriOf(client(), trick));
      expect(error.redirectable).toBe(false);
      expect(error.error).toBe('invalid_request');
    }
  });

  it('lets a client with one registered URI omit it, and requires it otherwise', () => {
    expect(redirectUriOf(client({ redirectUris: [CALLBACK] }), undefined)).toBe(CALLBACK);
    expect(refusal(() => redirectUriOf(client(), undefined)).redirectable).toBe(false);
  });
});

describe('authorization requests', () => {
  const base = { response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256' };

  it('keeps what the request asked for, defaulting scope to the client\'s', () => {
    const request = authorizationRequestOf(client(), CALLBACK, { ...base, state: 's', nonce: 'n', prompt: 'consent', max_age: '60' }, false);
    expect(request).toEqual({
      clientId: 'client',
      responseType: 'code',
      redirectUri: CALLBACK,
      scope: 'openid profile email',
      state: 's',
      nonce: 'n',
      codeChallenge: CHALLENGE,
      codeChallengeMethod: 'S256',
      prompt: ['consent'],
      maxAge: 60,
      dpopJkt: undefined,
      pushed: false,
    });
  });

  it.each<[string, Partial<ClientRecord>, Record<string, string>, string]>([
    ['implicit (token) without allow_implicit', {}, { response_type: 'token' }, 'unsupported_response_type'],
    ['id_token responses', { allowImplicit: true }, { response_type: 'id_token' }, 'unsupported_response_type'],
    ['no response_type', {}, { response_type: '' }, 'invalid_request'],
    ['a client without the code grant', { allowedGrantTypes: ['client_credentials'] }, {}, 'unauthorized_client'],
    ['a scope the client lacks', {}, { scope: 'openid admin' }, 'invalid_scope'],
    ['no PKCE for a client requiring it', {}, { code_challenge: '', code_challenge_method: '' }, 'invalid_request'],
    ['no PKCE for a public client', { requirePkce: false, clientType: 'public' }, { code_challenge: '', code_challenge_method: '' }, 'invalid_request'],
    ['plain PKCE by default (downgrade)', {}, { code_challenge_method: 'plain' }, 'invalid_request'],
    ['plain PKCE implied by a missing method', {}, { code_challenge_method: '' }, 'invalid_request'],
    ['plain PKCE for FAPI 2.0', { fapi2: true, allowPlainPkce: true }, { code_challenge_method: 'plain' }, 'invalid_request'],
    ['an unknown PKCE method', {}, { code_challenge_method: 'S512' }, 'invalid_request'],
    ['prompt none with others', {}, { prompt: 'none login' }, 'invalid_request'],
    ['a request object', {}, { request: 'eyJ...' }, 'request_not_supported'],
    ['response_mode fragment', {}, { response_mode: 'fragment' }, 'invalid_request'],
  ])('refuses %s as a redirectable %s', (_name, overrides, params, error) => {
    const refused = refusal(() => authorizationRequestOf(client(overrides), CALLBACK, authorizationParamsOf({ ...base, ...params }), false));
    expect(refused).toMatchObject({ error, redirectable: true });
  });

  it('accepts response_type=token only from clients registered for implicit, without PKCE, never pushed', () => {
    const implicit = client({ allowImplicit: true, allowedGrantTypes: ['implicit'] });
    expect(authorizationRequestOf(implicit, CALLBACK, { response_type: 'token', scope: 'openid' }, false)).toMatchObject({ responseType: 'token', codeChallenge: undefined });
    expect(refusal(() => authorizationRequestOf(implicit, CALLBACK, { response_type: 'token', code_challenge: CHALLENGE, code_challenge_method: 'S256' }, false)).error).toBe('invalid_request');
    expect(refusal(() => authorizationRequestOf(implicit, CALLBACK, { response_type: 'token' }, true)).error).toBe('unsupported_response_type');
    expect(refusal(() => authorizationRequestOf(client({ allowImplicit: true }), CALLBACK, { response_type: 'token' }, false)).error).toBe('unsupported_response_type');
  });

  it('accepts plain PKCE only for clients that allow it', () => {
    expect(authorizationRequestOf(client({ allowPlainPkce: true }), CALLBACK, { ...base, code_challenge: VERIFIER, code_challenge_method: 'plain' }, false).codeChallengeMethod).toBe('plain');
  });

  it('refuses repeated parameters (RFC 6749 §3.1)', () => {
    expect(refusal(() => authorizationParamsOf({ state: ['a', 'b'] }))).toMatchObject({ error: 'invalid_request', redirectable: false });
  });

  it('adds the response parameters, iss included, to the redirect URI query', () => {
    expect(authorizationResponseUrl('https://app.example.test/cb?keep=1', { code: 'c', state: 'a b', iss: 'https://iam/oauth/tenants/t', nonce: undefined })).toBe(
      'https://app.example.test/cb?keep=1&code=c&state=a+b&iss=https%3A%2F%2Fiam%2Foauth%2Ftenants%2Ft',
    );
  });
});
