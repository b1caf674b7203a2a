import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { ACCESS_TOKEN_TYPE, API_AUDIENCE, issuerOf } from './access-token';
import { AccessTokenVerifier } from './access-token-verifier';

const PUBLIC_URL = 'https://iam.example.test';

describe('AccessTokenVerifier', () => {
  const tenantId = randomUUID();
  let keys: { kid: string; privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; jwk: JWK }[];
  let fetches: number;
  let verifier: AccessTokenVerifier;

  const newKey = async (kid: string) => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
  };

  const sign = (overrides: { kid?: string; typ?: string; iss?: string; aud?: string; exp?: number; claims?: Record<string, unknown> } = {}) =>
    new SignJWT({ tid: tenantId, client_id: 'console', scope: 'openid profile', roles: ['admin'], permissions: ['users:read'], ...overrides.claims })
      .setProtectedHeader({ alg: 'ES256', kid: overrides.kid ?? keys[0].kid, typ: overrides.typ ?? ACCESS_TOKEN_TYPE })
      .setIssuer(overrides.iss ?? issuerOf(PUBLIC_URL, tenantId))
      .setAudience(overrides.aud ?? API_AUDIENCE)
      .setSubject('6f1c1c52-3a43-4b52-9d0c-0c1d9f1f1f1f')
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(overrides.exp ?? Math.floor(Date.now() / 1000) + 300)
      .sign(keys.find((k) => k.kid === (overrides.kid ?? keys[0].kid))?.privateKey ?? keys[0].privateKey);

  const failure = async (token: string): Promise<DomainError> => {
    try {
      await verifier.verify(token);
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('the token was accepted');
  };

  beforeEach(async () => {
    keys = [await newKey('k1')];
    fetches = 0;
    verifier = new AccessTokenVerifier({
      publicUrl: PUBLIC_URL,
      jwksUrl: (tid) => `http://auth.internal/.well-known/jwks.json?tenant_id=${tid}`,
      refetchCooldownMs: 0,
      fetch: (async (url: string) => {
        fetches += 1;
        if (!url.endsWith(tenantId)) return new Response('{}', { status: 404 });
        return Response.json({ keys: keys.map((k) => k.jwk) });
      }) as typeof fetch,
    });
  });

  it('accepts a token of the tenant and reports the caller', async () => {
    const caller = await verifier.verify(await sign());
    expect(caller).toMatchObject({ tenantId, clientId: 'console', userId: '6f1c1c52-3a43-4b52-9d0c-0c1d9f1f1f1f', roles: ['admin'], permissions: ['users:read'], scopes: ['openid', 'profile'] });
    await verifier.verify(await sign());
    expect(fetches).toBe(1);
  });

  it('finds keys added by a rotation', async () => {
    await verifier.verify(await sign());
    keys.push(await newKey('k2'));
    await expect(verifier.verify(await sign({ kid: 'k2' }))).resolves.toMatchObject({ tenantId });
    expect(fetches).toBe(2);
  });

  it('refuses expired tokens as TOKEN_EXPIRED', async () => {
    const error = await failure(await sign({ exp: Math.floor(Date.now() / 1000) - 60 }));
    expect(error.kind).toBe(ErrorKind.TOKEN_EXPIRED);
  });

  it.each([
    ['another issuer', { iss: issuerOf(PUBLIC_URL, randomUUID()) }],
    ['another audience', { aud: 'https://other.example' }],
    ['a token of another type', { typ: 'JWT' }],
    ['a key nobody published', { kid: 'unknown' }],
    ['a tenant claim nobody knows', { claims: { tid: randomUUID() } }],
  ])('refuses %s as INVALID_TOKEN', async (_name, overrides) => {
    const error = await failure(await sign(overrides));
    expect(error.kind).toBe(ErrorKind.INVALID_TOKEN);
  });

  it('refuses alg none, HMAC signed with the public key, and garbage', async () => {
    const header = (h: object) => Buffer.from(JSON.stringify(h)).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ tid: tenantId, sub: 'x', client_id: 'x', jti: 'x', iat: 1, exp: 9999999999, iss: issuerOf(PUBLIC_URL, tenantId), aud: API_AUDIENCE })).toString('base64url');
    const none = `${header({ alg: 'none', typ: ACCESS_TOKEN_TYPE })}.${payload}.`;
    expect((await failure(none)).kind).toBe(ErrorKind.INVALID_TOKEN);
    const hmac = new SignJWT({ tid: tenantId, client_id: 'x' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: ACCESS_TOKEN_TYPE })
      .setIssuer(issuerOf(PUBLIC_URL, tenantId))
      .setAudience(API_AUDIENCE)
      .setSubject('x')
      .setJti('x')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(keys[0].jwk)));
    expect((await failure(await hmac)).kind).toBe(ErrorKind.INVALID_TOKEN);
    expect((await failure('not-a-jwt')).kind).toBe(ErrorKind.INVALID_TOKEN);
  });

  it('answers UNAVAILABLE when the key set cannot be fetched', async () => {
    const offline = new AccessTokenVerifier({
      publicUrl: PUBLIC_URL,
      jwksUrl: () => 'http://auth.internal/jwks',
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });
    await expect(offline.verify(await sign())).rejects.toMatchObject({ kind: ErrorKind.UNAVAILABLE });
  });
});
