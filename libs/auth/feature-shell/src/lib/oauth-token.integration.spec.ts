import { InMemoryEventBus } from '@sigma/shared/data-access-events';
import { RunningService, startService } from '@sigma/shared/feature-service-host';
import { freePort, readJson, startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { AccessTokenVerifier } from '@sigma/shared/util-auth';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { authServer } from './auth-server.definition';
import { FakeDirectory } from './testing/fake-directory';

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
  let service: RunningService;
  let base: string;
  let adminToken: string;
  let verifier: AccessTokenVerifier;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    directory = new FakeDirectory();
    await directory.start();
    const admin = directory.addUser('admin@sigma-iam.local', PASSWORD, { roles: ['super-admin'], permissions: ['*'] });
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
});
