import { InMemoryEventBus } from '@sigma/shared/data-access-events';
import { RunningService, startService } from '@sigma/shared/feature-service-host';
import { freePort, readJson, startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { AccessTokenVerifier } from '@sigma/shared/util-auth';
import { OAuthTokenMinter } from '@sigma/auth/feature-oauth';
import { ClientRegistry } from '@sigma/auth/feature-clients';
import { calculateJwkThumbprint, CryptoKey, decodeJwt, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { authServer } from './auth-server.definition';
import { FakeDirectory } from './testing/fake-directory';
import { FakeSessionService } from './testing/fake-session-service';

jest.setTimeout(60000);

const PUBLIC_URL = 'https://iam.example.test';
const PASSWORD = 'correct horse battery staple';

interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  refresh_token?: string;
}

/**
 * The token endpoint over real PostgreSQL with a fake directory: client authentication methods,
 * client_credentials and the RFC 6749 §5.2 refusals. (The e2e spec covers the flows through the gateway.)
 */
describe('auth-server OAuth token endpoint', () => {
  let postgres: TestPostgres;
  let directory: FakeDirectory;
  let sessions: FakeSessionService;
  let service: RunningService;
  let base: string;
  let adminToken: string;
  let admin: ReturnType<FakeDirectory['addUser']>;
  let verifier: AccessTokenVerifier;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    directory = new FakeDirectory();
    sessions = new FakeSessionService();
    await Promise.all([directory.start(), sessions.start()]);
    admin = directory.addUser('admin@sigma-iam.local', PASSWORD, { roles: ['super-admin'], permissions: ['*'] });
    const port = await freePort();
    service = await startService(authServer, {
      bus: new InMemoryEventBus(),
      env: {
        PORT: String(port),
        AUTH_SERVER_URL: `http://127.0.0.1:${port}`,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        DATABASE_URL: postgres.url,
        EVENT_TRANSPORT: 'memory',
        SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        PUBLIC_URL,
        USER_DIRECTORY_URL: directory.url,
        DIRECTORY_TIMEOUT_MS: '1000',
        SESSION_SERVICE_URL: sessions.url,
      },
    });
    base = service.url.replace('localhost', '127.0.0.1');
    verifier = new AccessTokenVerifier({ publicUrl: PUBLIC_URL, jwksUrl: (tid) => `${base}/.well-known/jwks.json?tenant_id=${tid}` });
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: admin.claims.username, password: PASSWORD }),
    });
    adminToken = (await readJson<TokenAnswer>(login)).access_token;
  });

  afterAll(async () => {
    await service?.close();
    await directory?.stop();
    await sessions?.stop();
    await postgres?.stop();
  });

  const register = async (body: Record<string, unknown>): Promise<{ client_id: string; client_secret: string | null }> => {
    const answer = await fetch(`${base}/api/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ client_name: `app ${randomUUID()}`, redirect_uris: ['https://app.example/cb'], ...body }),
    });
    expect(answer.status).toBe(201);
    return readJson(answer);
  };
  const token = (params: Record<string, string>, headers: Record<string, string> = {}, path = '/oauth/token') =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params).toString() });
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const expectOAuthError = async (answer: Response, status: number, error: string): Promise<void> => {
    expect({ status: answer.status, body: await answer.json() }).toEqual({ status, body: { error, error_description: expect.any(String) } });
    expect(answer.headers.get('cache-control')).toBe('no-store');
  };

  it('issues client_credentials tokens to client_secret_basic and client_secret_post clients under every prefix', async () => {
    const basicClient = await register({ allowed_grant_types: ['client_credentials'], allowed_scopes: ['api:read', 'api:write'] });
    for (const path of ['/oauth/token', '/oauth/v1/token', '/api/oauth/token']) {
      const answer = await token({ grant_type: 'client_credentials', scope: 'api:read' }, { authorization: basic(basicClient.client_id, basicClient.client_secret ?? '') }, path);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      const body = await readJson<TokenAnswer>(answer);
      expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'api:read' });
      await expect(verifier.verify(body.access_token)).resolves.toMatchObject({ clientId: basicClient.client_id, userId: undefined, scopes: ['api:read'], tenantId: directory.defaultTenant.id });
    }
    const postClient = await register({ allowed_grant_types: ['client_credentials'], allowed_scopes: ['api:read'], token_endpoint_auth_method: 'client_secret_post' });
    const answer = await token({ grant_type: 'client_credentials', client_id: postClient.client_id, client_secret: postClient.client_secret ?? '' });
    expect(await readJson<TokenAnswer>(answer)).toMatchObject({ token_type: 'Bearer', scope: 'api:read' });
  });

  it('answers alike on the token fast path and through the body parsers and Nest route (ADR 11), and counts both in the metrics', async () => {
    const client = await register({ allowed_grant_types: ['client_credentials'], allowed_scopes: ['api:read'] });
    const authorization = basic(client.client_id, client.client_secret ?? '');
    const large = { pad: 'x'.repeat(9000) };
    const variants = [
      { path: '/oauth/token', extra: {} },
      { path: '/oauth/token/', extra: {} },
      { path: '/oauth/token', extra: large },
    ];
    for (const { path, extra } of variants) {
      const ok = await token({ grant_type: 'client_credentials', scope: 'api:read', ...extra }, { authorization }, path);
      expect({ status: ok.status, cache: ok.headers.get('cache-control'), pragma: ok.headers.get('pragma'), type: ok.headers.get('content-type') }).toEqual({
        status: 200,
        cache: 'no-store',
        pragma: 'no-cache',
        type: 'application/json; charset=utf-8',
      });
      expect(ok.headers.get('x-request-id')).toMatch(/^req_/);
      expect(await readJson<TokenAnswer>(ok)).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'api:read' });
      const refused = await token({ grant_type: 'client_credentials', ...extra }, { authorization: basic(client.client_id, 'wrong') }, path);
      expect(refused.headers.get('www-authenticate')).toBe((await token({ grant_type: 'client_credentials' }, { authorization: basic(client.client_id, 'wrong') })).headers.get('www-authenticate'));
      await expectOAuthError(refused, 401, 'invalid_client');
      await expectOAuthError(await token({ grant_type: 'client_credentials', ...extra, scope: 'a' }, { authorization }, path), 400, 'invalid_scope');
    }
    const repeated = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization }, body: 'grant_type=client_credentials&scope=a&scope=b' });
    await expectOAuthError(repeated, 400, 'invalid_request');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const served = /http_requests_total\{method="POST",route="\/oauth\/token",status="200"[^}]*\} (\d+)/.exec(metrics);
    expect(Number(served?.[1])).toBeGreaterThanOrEqual(variants.length);
  });

  it('authenticates private_key_jwt clients and refuses a replayed assertion', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const client = await register({
      allowed_grant_types: ['client_credentials'],
      allowed_scopes: ['api:read'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid: 'k1' }] },
    });
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(client.client_id)
      .setSubject(client.client_id)
      .setAudience(`${PUBLIC_URL}/oauth/token`)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey);
    const params = { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion };
    expect((await token(params)).status).toBe(200);
    await expectOAuthError(await token(params), 401, 'invalid_client');
  });

  it('answers the RFC 6749 errors: wrong secret, unknown grant, grant not allowed, bad scope, cross-tenant, no body', async () => {
    const client = await register({ allowed_grant_types: ['client_credentials'], allowed_scopes: ['api:read'] });
    const auth = { authorization: basic(client.client_id, client.client_secret ?? '') };
    await expectOAuthError(await token({ grant_type: 'client_credentials' }, { authorization: basic(client.client_id, 'wrong') }), 401, 'invalid_client');
    await expectOAuthError(await token({ grant_type: 'password' }, auth), 400, 'unsupported_grant_type');
    await expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: 'x' }, auth), 400, 'unauthorized_client');
    await expectOAuthError(await token({ grant_type: 'client_credentials', scope: 'api:write' }, auth), 400, 'invalid_scope');
    await expectOAuthError(await token({ grant_type: 'client_credentials', tenant_id: directory.addTenant('other').id }, auth), 401, 'invalid_client');
    await expectOAuthError(await token({}, auth), 400, 'invalid_request');
    await expectOAuthError(await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{}' }), 400, 'invalid_request');
  });

  const dpopKey = async (alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<{ privateKey: CryptoKey; jwk: JWK; jkt: string }> => {
    const pair = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(pair.publicKey);
    return { privateKey: pair.privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
  };
  const proof = (key: { privateKey: CryptoKey; jwk: JWK }, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
    new SignJWT({ jti: randomUUID(), htm: 'POST', htu: `${PUBLIC_URL}/oauth/token`, iat: Math.floor(Date.now() / 1000), ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk, ...header })
      .sign(key.privateKey);

  describe('DPoP at the token endpoint', () => {
    it('binds client_credentials tokens to the proof key and refuses replays, wrong htm/htu, stale iat, private keys and HS256', async () => {
      const client = await register({ allowed_grant_types: ['client_credentials'], allowed_scopes: ['api:read'], dpop_bound: true });
      const auth = { authorization: basic(client.client_id, client.client_secret ?? '') };
      const key = await dpopKey();
      const good = await proof(key);
      const answer = await token({ grant_type: 'client_credentials' }, { ...auth, dpop: good });
      expect(answer.status).toBe(200);
      const body = await readJson<TokenAnswer>(answer);
      expect(body.token_type).toBe('DPoP');
      expect(decodeJwt(body.access_token)['cnf']).toEqual({ jkt: key.jkt });
      await expectOAuthError(await token({ grant_type: 'client_credentials' }, { ...auth, dpop: good }), 400, 'invalid_dpop_proof');
      await expectOAuthError(await token({ grant_type: 'client_credentials' }, auth), 400, 'invalid_dpop_proof');
      await expectOAuthError(await token({ grant_type: 'client_credentials' }, { ...auth, dpop: await proof(key, { htm: 'GET' }) }), 400, 'invalid_dpop_proof');
      await expectOAuthError(await token({ grant_type: 'client_credentials' }, { ...auth, dpop: await proof(key, { htu: `${PUBLIC_URL}/oauth/v1/token` }) }), 400, 'invalid_dpop_proof');
      await expectOAuthError(await token({ grant_type: 'client_credentials' }, { ...auth, dpop: await proof(key, { iat: Math.floor(Date.now() / 1000) - 600 }) }), 400, 'invalid_dpop_proof');
      const withPrivate = { ...key, jwk: { ...key.jwk, d: 'AAAA' } };
      await expectOAuthError(await token({ grant_type: 'client_credentials' }, { ...auth, dpop: await proof(withPrivate) }), 400, 'invalid_dpop_proof');
      const hmac = await new SignJWT({ jti: randomUUID(), htm: 'POST', htu: `${PUBLIC_URL}/oauth/token`, iat: Math.floor(Date.now() / 1000) })
        .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.jwk })
        .sign(new TextEncoder().encode('a shared secret of thirty-two bytes!'));
      await expectOAuthError(await token({ grant_type: 'client_credentials' }, { ...auth, dpop: hmac }), 400, 'invalid_dpop_proof');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk })).toString('base64url')}.${Buffer.from(JSON.stringify({ jti: randomUUID(), htm: 'POST', htu: `${PUBLIC_URL}/oauth/token`, iat: Math.floor(Date.now() / 1000) })).toString('base64url')}.`;
      await expectOAuthError(await token({ grant_type: 'client_credentials' }, { ...auth, dpop: none }), 400, 'invalid_dpop_proof');
    });
  });

  describe('refresh_token, introspection, revocation and userinfo', () => {
    const sessionFor = async (clientId: string, jkt?: string) => {
      const client = await service.app.get(ClientRegistry).findActiveByClientId(undefined, clientId);
      if (!client) throw new Error('client not found');
      return service.app.get(OAuthTokenMinter).startSession({ tenant: directory.defaultTenant, client, claims: admin.claims, scope: 'openid profile email', amr: ['pwd'], jkt });
    };

    it('rotates refresh tokens of a confidential client, binds them to it, and revokes the family on reuse', async () => {
      const client = await register({ allowed_grant_types: ['authorization_code', 'refresh_token'] });
      const other = await register({ allowed_grant_types: ['authorization_code', 'refresh_token'] });
      const auth = { authorization: basic(client.client_id, client.client_secret ?? '') };
      const first = await sessionFor(client.client_id);
      expect(first.id_token).toEqual(expect.any(String));
      await expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '' }, { authorization: basic(other.client_id, other.client_secret ?? '') }), 400, 'invalid_grant');
      const second = await readJson<TokenAnswer & { id_token: string }>(await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '' }, auth));
      expect(second).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email', refresh_token: expect.any(String), id_token: expect.any(String) });
      expect(decodeJwt(second.id_token)).toMatchObject({ aud: client.client_id, sub: admin.claims.user_id, at_hash: createHash('sha256').update(second.access_token).digest().subarray(0, 16).toString('base64url') });
      await expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '' }, auth), 400, 'invalid_grant');
      await expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: second.refresh_token ?? '' }, auth), 400, 'invalid_grant');
      const introspected = await fetch(`${base}/oauth/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth }, body: new URLSearchParams({ token: second.access_token }) });
      expect(await introspected.json()).toEqual({ active: false });
    });

    it('binds a public client\'s refresh tokens to its DPoP key', async () => {
      const client = await register({ client_type: 'public', token_endpoint_auth_method: 'none', allowed_grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['http://127.0.0.1/cb'] });
      const key = await dpopKey();
      const first = await sessionFor(client.client_id, key.jkt);
      expect(first.token_type).toBe('DPoP');
      await expectOAuthError(await token({ grant_type: 'refresh_token', client_id: client.client_id, refresh_token: first.refresh_token ?? '' }), 400, 'invalid_grant');
      await expectOAuthError(await token({ grant_type: 'refresh_token', client_id: client.client_id, refresh_token: first.refresh_token ?? '' }, { dpop: await proof(await dpopKey()) }), 400, 'invalid_grant');
      const next = await token({ grant_type: 'refresh_token', client_id: client.client_id, refresh_token: first.refresh_token ?? '' }, { dpop: await proof(key) });
      expect(next.status).toBe(200);
      expect(decodeJwt((await readJson<TokenAnswer>(next)).access_token)['cnf']).toEqual({ jkt: key.jkt });
    });

    it('introspects (form and JSON), revokes, and serves userinfo by scope', async () => {
      const client = await register({ allowed_grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], allowed_scopes: ['openid', 'profile', 'email', 'api:read'] });
      const auth = { authorization: basic(client.client_id, client.client_secret ?? '') };
      const introspect = (tokenValue: string) =>
        fetch(`${base}/api/oauth/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth }, body: new URLSearchParams({ token: tokenValue }) }).then((r) => r.json());
      const tokens = await sessionFor(client.client_id);
      expect(await introspect(tokens.access_token)).toMatchObject({ active: true, client_id: client.client_id, sub: admin.claims.user_id, scope: 'openid profile email', token_type: 'Bearer' });
      expect(await introspect(tokens.refresh_token ?? '')).toMatchObject({ active: true, token_type: 'refresh_token' });
      expect(await introspect('not-a-token')).toEqual({ active: false });

      const service = await readJson<TokenAnswer>(await token({ grant_type: 'client_credentials', scope: 'api:read' }, auth));
      const json = await fetch(`${base}/api/oauth/introspect`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${service.access_token}` }, body: JSON.stringify({ token: tokens.access_token }) });
      expect(await json.json()).toMatchObject({ active: true, scope: 'openid profile email', client_id: client.client_id, exp: expect.any(Number) });
      const unauthenticated = await fetch(`${base}/api/oauth/introspect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tokens.access_token }) });
      expect(unauthenticated.status).toBe(401);

      const info = await fetch(`${base}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(await info.json()).toEqual({ sub: admin.claims.user_id, preferred_username: admin.claims.username, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', updated_at: expect.any(Number), email: admin.claims.email, email_verified: true });
      expect((await fetch(`${base}/oauth/userinfo`, { headers: { authorization: `Bearer ${service.access_token}` } })).status).toBe(401);

      const revoke = (tokenValue: string) => fetch(`${base}/oauth/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth }, body: new URLSearchParams({ token: tokenValue }) });
      expect((await revoke(service.access_token)).status).toBe(200);
      expect(await introspect(service.access_token)).toEqual({ active: false });
      expect((await revoke(tokens.refresh_token ?? '')).status).toBe(200);
      expect(await introspect(tokens.access_token)).toEqual({ active: false });
      expect((await fetch(`${base}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
      expect((await revoke('unknown')).status).toBe(200);
    });
  });

  it('serves discovery per tenant with the tenant issuer and only what exists', async () => {
    const tenant = directory.defaultTenant;
    const byQuery = await readJson<Record<string, unknown>>(await fetch(`${base}/.well-known/openid-configuration?tenant_id=${tenant.id}`));
    const byIssuer = await readJson<Record<string, unknown>>(await fetch(`${base}/oauth/tenants/${tenant.id}/.well-known/openid-configuration`));
    expect(byIssuer).toEqual(byQuery);
    expect(byQuery).toMatchObject({
      issuer: `${PUBLIC_URL}/oauth/tenants/${tenant.id}`,
      token_endpoint: `${PUBLIC_URL}/oauth/token`,
      jwks_uri: `${PUBLIC_URL}/.well-known/jwks.json?tenant_id=${tenant.id}`,
      grant_types_supported: expect.arrayContaining(['client_credentials', 'refresh_token']),
      authorization_response_iss_parameter_supported: true,
    });
    expect(byQuery['token_endpoint_auth_signing_alg_values_supported']).not.toContain('HS256');
    expect((await fetch(`${base}/.well-known/openid-configuration?tenant_id=${randomUUID()}`)).status).toBe(404);
  });
});
