import { DistributedSuite, eventually, readJson, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { AccessTokenVerifier, issuerOf } from '@sigma/shared/util-auth';
import { Kafka, logLevel } from 'kafkajs';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

jest.setTimeout(180000);

const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'e2e-bootstrap-password-1';

interface Jwks {
  keys: Array<Record<string, string>>;
}
interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  mfa_required?: boolean;
  user?: Record<string, unknown>;
}
interface SigmaError {
  error: { code: string; message: string; details: unknown[]; request_id: string; timestamp: string };
}

/**
 * The direct login APIs and per-tenant keys as a client meets them: through the gateway of the
 * distributed topology (five processes, real PostgreSQL and Kafka), with tokens verified the way
 * the suite's services verify them.
 */
describe('login, tokens and keys through the gateway', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let db: Client;
  let gateway: string;
  let defaultTenantId: string;
  let verifier: AccessTokenVerifier;

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD });
    gateway = suite.gateway.url;
    db = new Client({ connectionString: postgres.url });
    await db.connect();
    defaultTenantId = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'")).rows[0].id;
    // The gateway's URL is the suite's PUBLIC_URL: issuers derive from it, and the JWKS is public there.
    verifier = new AccessTokenVerifier({ publicUrl: gateway, jwksUrl: (tenantId) => `${gateway}/.well-known/jwks.json?tenant_id=${tenantId}` });
  });

  afterAll(async () => {
    await db?.end();
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  const post = (path: string, body: Record<string, string>, form = false) =>
    fetch(`${gateway}${path}`, {
      method: 'POST',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
    });
  const loginAsAdmin = async (): Promise<Tokens> => {
    const answer = await post('/api/v1/auth/login', { username: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(answer.status).toBe(200);
    return readJson<Tokens>(answer);
  };
  const expectSigmaError = async (answer: Response, status: number, code: string): Promise<void> => {
    expect(answer.status).toBe(status);
    const body = await readJson<SigmaError>(answer);
    expect(body.error).toMatchObject({ code, message: expect.any(String), request_id: answer.headers.get('x-request-id') });
  };

  describe('GET /.well-known/jwks.json', () => {
    it("publishes each tenant's own ES256 key; without tenant_id the default tenant's", async () => {
      const answer = await fetch(`${gateway}/.well-known/jwks.json?tenant_id=${defaultTenantId}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toContain('max-age=60');
      const jwks = await readJson<Jwks>(answer);
      expect(jwks.keys).toEqual([{ kty: 'EC', use: 'sig', crv: 'P-256', kid: expect.any(String), x: expect.any(String), y: expect.any(String), alg: 'ES256' }]);
      expect(await readJson<Jwks>(await fetch(`${gateway}/.well-known/jwks.json`))).toEqual(jwks);

      const otherTenant = randomUUID();
      await db.query("INSERT INTO directory.tenants (id, name, slug) VALUES ($1, 'Acme', $2)", [otherTenant, `acme-${otherTenant.slice(0, 8)}`]);
      const other = await readJson<Jwks>(await fetch(`${gateway}/.well-known/jwks.json?tenant_id=${otherTenant}`));
      expect(other.keys).toHaveLength(1);
      expect(other.keys[0].kid).not.toBe(jwks.keys[0].kid);
      const stored = await db.query('SELECT tenant_id, private_key_sealed FROM auth.signing_keys WHERE kid = $1', [other.keys[0].kid]);
      expect(stored.rows[0].tenant_id).toBe(otherTenant);
      expect(stored.rows[0].private_key_sealed).not.toContain('PRIVATE KEY');
    });

    it('answers an unknown tenant 404 and a malformed tenant id 400, in the OAuth body', async () => {
      const unknown = await fetch(`${gateway}/.well-known/jwks.json?tenant_id=${randomUUID()}`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: 'invalid_request', error_description: 'the tenant does not exist' });
      const malformed = await fetch(`${gateway}/.well-known/jwks.json?tenant_id=default`);
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ error: 'invalid_request' });
    });
  });

  describe('POST /api/v1/auth/login', () => {
    it('signs the bootstrap admin in with JSON (seed 004); the access token verifies against the public JWKS', async () => {
      const tokens = await loginAsAdmin();
      expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'openid profile email', mfa_required: false, refresh_token: expect.any(String), id_token: expect.any(String) });
      expect(tokens.user).toMatchObject({ username: ADMIN_EMAIL, email: ADMIN_EMAIL, tenant_id: defaultTenantId, is_active: true, roles: ['super-admin'], permissions: ['*'] });
      expect(Object.keys(tokens.user ?? {}).sort()).toEqual(
        ['created_at', 'email', 'email_verified', 'first_name', 'full_name', 'id', 'is_active', 'last_login', 'last_name', 'permissions', 'roles', 'tenant_id', 'updated_at', 'username'].sort(),
      );
      expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      const caller = await verifier.verify(tokens.access_token);
      expect(caller).toMatchObject({ tenantId: defaultTenantId, userId: tokens.user?.['id'], clientId: 'sigma-iam', roles: ['super-admin'], permissions: ['*'], scopes: ['openid', 'profile', 'email'] });
      expect(caller.sessionId).toEqual(expect.any(String));

      const jwks = createRemoteJWKSet(new URL(`${gateway}/.well-known/jwks.json?tenant_id=${defaultTenantId}`));
      const id = await jwtVerify(tokens.id_token, jwks, { issuer: issuerOf(gateway, defaultTenantId), audience: 'sigma-iam', typ: 'JWT' });
      expect(id.payload).toMatchObject({ sub: caller.userId, amr: ['pwd'], sid: caller.sessionId, email: ADMIN_EMAIL });
    });

    it("signs the bootstrap admin in with seed 000's form (base64 credentials)", async () => {
      const credentials = Buffer.from(`${ADMIN_EMAIL}:${ADMIN_PASSWORD}`).toString('base64');
      const answer = await post('/api/v1/auth/login', { credentials }, true);
      expect(answer.status).toBe(200);
      const tokens = await readJson<Tokens>(answer);
      await expect(verifier.verify(tokens.access_token)).resolves.toMatchObject({ tenantId: defaultTenantId, roles: ['super-admin'] });
    });

    it('opens the directory APIs with the token it issued', async () => {
      const tokens = await loginAsAdmin();
      const users = await fetch(`${gateway}/api/v1/users?limit=5`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(users.status).toBe(200);
      await expectSigmaError(await fetch(`${gateway}/api/v1/users?limit=5`), 401, 'AUTHENTICATION_REQUIRED');
    });

    it('answers a wrong password 401 INVALID_CREDENTIALS in the Sigma body', async () => {
      await expectSigmaError(await post('/api/v1/auth/login', { username: ADMIN_EMAIL, password: 'not-the-password' }), 401, 'INVALID_CREDENTIALS');
      await expectSigmaError(await post('/api/v1/auth/login', { username: 'nobody@sigma-iam.local', password: 'not-the-password' }), 401, 'INVALID_CREDENTIALS');
      await expectSigmaError(await post('/api/v1/auth/login', { username: ADMIN_EMAIL, password: ADMIN_PASSWORD, client_id: 'unknown-app' }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('POST /api/v1/auth/refresh and /logout', () => {
    it('rotates refresh tokens; replaying a spent one revokes the session and says so on Kafka', async () => {
      const first = await loginAsAdmin();
      const sid = (await verifier.verify(first.access_token)).sessionId;
      const second = await readJson<Tokens>(await post('/api/v1/auth/refresh', { refresh_token: first.refresh_token }));
      expect(second.refresh_token).not.toBe(first.refresh_token);
      await expect(verifier.verify(second.access_token)).resolves.toMatchObject({ sessionId: sid, roles: ['super-admin'] });
      const third = await post('/api/v1/auth/refresh', { refresh_token: second.refresh_token }, true);
      expect(third.status).toBe(200);
      const latest = await readJson<Tokens>(third);

      await expectSigmaError(await post('/api/v1/auth/refresh', { refresh_token: first.refresh_token }), 401, 'INVALID_TOKEN');
      // The replay ended the session: its latest refresh token is refused as well.
      await expectSigmaError(await post('/api/v1/auth/refresh', { refresh_token: latest.refresh_token }), 401, 'INVALID_TOKEN');

      const consumer = new Kafka({ clientId: 'e2e', brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).consumer({ groupId: `e2e-auth-${randomUUID()}` });
      const events: Array<{ type: string; data: Record<string, string> }> = [];
      await consumer.connect();
      await consumer.subscribe({ topic: 'session.revoked', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void events.push(JSON.parse(message.value?.toString() ?? '{}')) });
      const event = await eventually(async () => events.find((e) => e.data.session_id === sid), 60000, 200);
      await consumer.disconnect();
      expect(event).toMatchObject({ type: 'session.revoked', data: { reason: 'refresh_token_reuse', user_id: (await verifier.verify(first.access_token)).userId } });
    });

    it('logs out: success, and the refresh token no longer works', async () => {
      const tokens = await loginAsAdmin();
      const answer = await post('/api/v1/auth/logout', { refresh_token: tokens.refresh_token });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ success: true });
      await expectSigmaError(await post('/api/v1/auth/refresh', { refresh_token: tokens.refresh_token }), 401, 'INVALID_TOKEN');
    });
  });
});
