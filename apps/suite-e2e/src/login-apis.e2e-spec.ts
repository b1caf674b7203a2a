import { totpCodeAt } from '@sigma/directory/domain';
import { DistributedSuite, eventually, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { AccessTokenVerifier } from '@sigma/shared/util-auth';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { Kafka, logLevel } from 'kafkajs';
import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';

jest.setTimeout(240000);

const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'e2e-bootstrap-password-1';
const USER_PASSWORD = 'Correct-Horse-Battery-9';

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  headers: Headers;
  body: Json;
}

/**
 * Seed 002's action-style authentication, seed 003's API-key tokens and seed 001's QR contextual
 * tokens, through the gateway of the distributed topology over real PostgreSQL and Kafka, with the
 * brute-force protection (3 failures lock an account here) and tenant IP allow-lists.
 */
describe('login APIs through the gateway', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let db: Client;
  let gateway: string;
  let defaultTenantId: string;
  let adminToken: string;
  let verifier: AccessTokenVerifier;
  let appClientId: string;
  let closedAppClientId: string;

  const call = async (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const answer = await fetch(`${gateway}${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
    const text = await answer.text();
    return { status: answer.status, headers: answer.headers, body: text === '' ? {} : (JSON.parse(text) as Json) };
  };
  const auth = (body: Json, headers?: Record<string, string>) => call('POST', '/api/admin/identity/auth', { body, headers });
  /** An error body without what differs between any two requests (request id and time). */
  const comparable = (body: Json): Json => {
    const { requestId: _requestId, timestamp: _timestamp, ...rest } = body;
    return rest;
  };
  const expectAdminError = (answer: Answer, status: number, code: string): void => {
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ success: false, error: expect.any(String), code, details: expect.any(Object), timestamp: expect.any(String), requestId: answer.headers.get('x-request-id') });
  };

  const expectSigmaError = (answer: Answer, status: number, code: string, field?: string): void => {
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({
      error: { code, message: expect.any(String), details: expect.any(Array), request_id: answer.headers.get('x-request-id'), timestamp: expect.any(String) },
    });
    if (field !== undefined) expect((answer.body['error'] as { details: Array<{ field: string }> }).details.map((detail) => detail.field)).toContain(field);
  };
  const expectOAuthError = (answer: Answer, status: number, error: string): void => {
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error, error_description: expect.any(String) });
    expect(answer.headers.get('x-request-id')).toEqual(expect.any(String));
  };
  /** A form POST (seed 000's bodies). */
  const form = (path: string, fields: Record<string, string>) =>
    call('POST', path, { raw: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  /** A body sent with a content type and raw text, as a misbehaving client would. */
  const rawPost = (path: string, contentType: string, raw: string, headers: Record<string, string> = {}) => call('POST', path, { raw, headers: { 'content-type': contentType, ...headers } });

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, {
      IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOGIN_LOCKOUT_THRESHOLD: '3',
      LOGIN_LOCKOUT_BASE_SECONDS: '60',
      // Every request of this test comes from 127.0.0.1: the per-IP lock must not end the test early.
      CLIENT_IP_LOCKOUT_THRESHOLD: '1000',
      CONTEXTUAL_TOKEN_MAX_SECONDS: '600',
    });
    gateway = suite.gateway.url;
    db = new Client({ connectionString: postgres.url });
    await db.connect();
    defaultTenantId = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'")).rows[0].id;
    verifier = new AccessTokenVerifier({ publicUrl: gateway, jwksUrl: (tenantId) => `${gateway}/.well-known/jwks.json?tenant_id=${tenantId}` });
    const login = await call('POST', '/api/v1/auth/login', { body: { username: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    adminToken = String(login.body['access_token']);
    const application = async (name: string, allowRegistration: boolean): Promise<string> => {
      const created = await call('POST', '/api/admin/identity/applications', {
        token: adminToken,
        body: {
          name,
          status: 'active',
          callbackUrls: ['https://app.example/callback'],
          settings: { allowRegistration, requireEmailVerification: false, defaultRole: 'user', sessionTimeout: 3600, maxSessions: 5 },
        },
      });
      expect(created.status).toBe(201);
      return (created.body['application'] as { clientId: string }).clientId;
    };
    appClientId = await application('Open app', true);
    closedAppClientId = await application('Closed app', false);
  });

  afterAll(async () => {
    await db?.end();
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  describe('seed 002: POST /api/admin/identity/auth', () => {
    let registered: { id: string; email: string };
    let refreshToken: string;
    let accessToken: string;

    it("registers through an application that allows it, with its defaultRole: 201 in the seed's shape", async () => {
      const email = `jane-${randomUUID().slice(0, 8)}@example.com`;
      const answer = await auth({
        action: 'register',
        clientId: appClientId,
        email,
        password: USER_PASSWORD,
        firstName: 'Jane',
        lastName: 'Smith',
        deviceInfo: { device: 'Mobile', browser: 'Safari', os: 'iOS' },
        acceptTerms: true,
      });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({
        success: true,
        user: { id: expect.any(String), email, firstName: 'Jane', lastName: 'Smith', role: 'user', isActive: true, isVerified: false },
        tokens: { accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, tokenType: 'Bearer' },
        message: 'Registration successful',
      });
      registered = { id: String((answer.body['user'] as Json)['id']), email };
      const caller = await verifier.verify(String((answer.body['tokens'] as Json)['accessToken']));
      expect(caller).toMatchObject({ tenantId: defaultTenantId, userId: registered.id, clientId: appClientId, roles: ['user'] });
    });

    it('refuses registration where the application does not allow it (403), without acceptTerms (400), with a weak password (400) or a taken email (409)', async () => {
      const email = `x-${randomUUID().slice(0, 8)}@example.com`;
      expectAdminError(await auth({ action: 'register', clientId: closedAppClientId, email, password: USER_PASSWORD, acceptTerms: true }), 403, 'INSUFFICIENT_PERMISSIONS');
      const noTerms = await auth({ action: 'register', clientId: appClientId, email, password: USER_PASSWORD });
      expectAdminError(noTerms, 400, 'VALIDATION_ERROR');
      expect(noTerms.body['details']).toMatchObject({ field: 'acceptTerms' });
      const weak = await auth({ action: 'register', clientId: appClientId, email, password: 'password', acceptTerms: true });
      expectAdminError(weak, 400, 'VALIDATION_ERROR');
      expect(weak.body['details']).toMatchObject({ field: 'password' });
      expectAdminError(await auth({ action: 'register', clientId: appClientId, email: registered.email, password: USER_PASSWORD, acceptTerms: true }), 409, 'CONFLICT');
      const stored = await db.query('SELECT count(*)::int AS n FROM directory.users WHERE lower(email) = lower($1)', [email]);
      expect(stored.rows[0].n).toBe(0);
    });

    it("logs in with the seed's fields: user, tokens and a session echoing the device", async () => {
      const answer = await auth({
        action: 'login',
        clientId: appClientId,
        email: registered.email,
        password: USER_PASSWORD,
        deviceInfo: { device: 'Desktop', browser: 'Chrome', os: 'Windows', userAgent: 'Mozilla/5.0' },
        rememberMe: false,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        success: true,
        user: { id: registered.id, email: registered.email, firstName: 'Jane', lastName: 'Smith', role: 'user', isActive: true, isVerified: false, permissions: [], lastLogin: expect.any(String) },
        tokens: { accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, tokenType: 'Bearer' },
        session: { id: expect.any(String), expiresAt: expect.any(String), deviceInfo: { device: 'Desktop', browser: 'Chrome', os: 'Windows' } },
        message: 'Login successful',
      });
      const tokens = answer.body['tokens'] as Json;
      const session = answer.body['session'] as Json;
      accessToken = String(tokens['accessToken']);
      refreshToken = String(tokens['refreshToken']);
      expect(decodeJwt(accessToken)['sid']).toBe(session['id']);
      // Without rememberMe the session lasts the application's sessionTimeout (3600 s), not the tenant's 30 days.
      const lasts = Date.parse(String(session['expiresAt'])) - Date.now();
      expect(lasts).toBeLessThanOrEqual(3600 * 1000);
      expect(lasts).toBeGreaterThan(3000 * 1000);
    });

    it('verifies an access token: valid, user and session', async () => {
      const answer = await auth({ action: 'verify', clientId: appClientId, accessToken });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        success: true,
        valid: true,
        user: { id: registered.id, email: registered.email, role: 'user', isActive: true, isVerified: false, permissions: [] },
        session: { id: decodeJwt(accessToken)['sid'], expiresAt: expect.any(String) },
        message: 'Token is valid',
      });
      expectAdminError(await auth({ action: 'verify', accessToken: `${accessToken.slice(0, -4)}AAAA` }), 401, 'INVALID_TOKEN');
      expectAdminError(await auth({ action: 'verify', accessToken: 'not-a-jwt' }), 401, 'INVALID_TOKEN');
    });

    it('refreshes (rotation); a replayed refresh token is 401 and ends the session', async () => {
      const answer = await auth({ action: 'refresh', clientId: appClientId, refreshToken });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        success: true,
        tokens: { accessToken: expect.any(String), refreshToken: expect.any(String), idToken: expect.any(String), expiresIn: 900, tokenType: 'Bearer' },
        message: 'Token refreshed successfully',
      });
      const next = String((answer.body['tokens'] as Json)['refreshToken']);
      expectAdminError(await auth({ action: 'refresh', clientId: closedAppClientId, refreshToken: next }), 401, 'INVALID_TOKEN');
      expectAdminError(await auth({ action: 'refresh', refreshToken }), 401, 'INVALID_TOKEN');
      // The replay revoked the family: its successor no longer works either, and verify says the session ended.
      expectAdminError(await auth({ action: 'refresh', refreshToken: next }), 401, 'INVALID_TOKEN');
      expectAdminError(await auth({ action: 'verify', accessToken }), 401, 'INVALID_TOKEN');
    });

    it('logs out one session, or with allSessions every session of the user (session.revoked on Kafka)', async () => {
      const consumer = new Kafka({ brokers: kafka.brokers.split(','), logLevel: logLevel.NOTHING }).consumer({ groupId: `e2e-login-apis-${randomUUID()}` });
      const revoked: Json[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic: 'session.revoked', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void revoked.push(JSON.parse(String(message.value)) as Json) });
      try {
        const login = async () => {
          const answer = await auth({ action: 'login', clientId: appClientId, email: registered.email, password: USER_PASSWORD });
          expect(answer.status).toBe(200);
          return { access: String((answer.body['tokens'] as Json)['accessToken']), refresh: String((answer.body['tokens'] as Json)['refreshToken']), sid: String((answer.body['session'] as Json)['id']) };
        };
        const [one, two, three] = [await login(), await login(), await login()];
        expect(await auth({ action: 'logout', clientId: appClientId, accessToken: one.access, allSessions: false })).toMatchObject({ status: 200, body: { success: true, message: 'Logout successful' } });
        expectAdminError(await auth({ action: 'refresh', refreshToken: one.refresh }), 401, 'INVALID_TOKEN');
        expect((await auth({ action: 'refresh', refreshToken: two.refresh })).status).toBe(200);
        expect((await auth({ action: 'logout', accessToken: three.access, allSessions: true })).status).toBe(200);
        expectAdminError(await auth({ action: 'verify', accessToken: two.access }), 401, 'INVALID_TOKEN');
        expectAdminError(await auth({ action: 'refresh', refreshToken: three.refresh }), 401, 'INVALID_TOKEN');
        const sids = await eventually(async () => {
          const seen = revoked.map((event) => (event['data'] as Json)['session_id']);
          return [one.sid, two.sid, three.sid].every((sid) => seen.includes(sid)) ? seen : undefined;
        }, 30000);
        expect(sids).toEqual(expect.arrayContaining([one.sid, two.sid, three.sid]));
      } finally {
        await consumer.disconnect();
      }
    });

    it('asks a user with a second factor for it, and finishes the login with a second login action (single use)', async () => {
      const email = `mfa-${randomUUID().slice(0, 8)}@example.com`;
      const registration = await auth({ action: 'register', clientId: appClientId, email, password: USER_PASSWORD, acceptTerms: true });
      const userId = String((registration.body['user'] as Json)['id']);
      const enrolled = await call('POST', `/api/v1/users/${userId}/mfa/enroll`, { token: String((registration.body['tokens'] as Json)['accessToken']) });
      expect(enrolled.status).toBe(200);
      const recoveryCodes = enrolled.body['recovery_codes'] as string[];
      const first = await auth({ action: 'login', clientId: appClientId, email, password: USER_PASSWORD });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ success: true, mfaRequired: true, mfaSessionId: expect.any(String), message: expect.any(String) });
      const mfaSessionId = String(first.body['mfaSessionId']);
      expectAdminError(await auth({ action: 'login', clientId: appClientId, mfaSessionId, recoveryCode: 'wrong-code-123' }), 401, 'INVALID_CREDENTIALS');
      expectAdminError(await auth({ action: 'login', clientId: appClientId, mfaSessionId }), 400, 'VALIDATION_ERROR');
      const second = await auth({ action: 'login', clientId: appClientId, mfaSessionId, recoveryCode: recoveryCodes[0], deviceInfo: { device: 'Phone' } });
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ success: true, user: { id: userId }, tokens: { accessToken: expect.any(String) }, session: { id: expect.any(String), deviceInfo: { device: 'Phone' } }, message: 'Login successful' });
      expect(decodeJwt(String((second.body['tokens'] as Json)['idToken']))['amr']).toEqual(['pwd', 'mfa']);
      expectAdminError(await auth({ action: 'login', clientId: appClientId, mfaSessionId, recoveryCode: recoveryCodes[1] }), 404, 'RESOURCE_NOT_FOUND');
    });

    it("obeys requireEmailVerification (register issues no tokens; login 403 only after the right password) and rememberMe (the tenant's lifetime)", async () => {
      const created = await call('POST', '/api/admin/identity/applications', {
        token: adminToken,
        body: {
          name: 'Verified-only app',
          status: 'active',
          callbackUrls: ['https://verified.example/callback'],
          settings: { allowRegistration: true, requireEmailVerification: true, defaultRole: 'user', sessionTimeout: 3600, maxSessions: 5 },
        },
      });
      expect(created.status).toBe(201);
      const verifiedOnly = (created.body['application'] as { clientId: string }).clientId;
      const email = `unverified-${randomUUID().slice(0, 8)}@example.com`;
      const registration = await auth({ action: 'register', clientId: verifiedOnly, email, password: USER_PASSWORD, acceptTerms: true });
      expect(registration.status).toBe(201);
      expect(registration.body).toEqual({ success: true, user: expect.objectContaining({ email, isVerified: false }), message: expect.any(String) });
      expectAdminError(await auth({ action: 'login', clientId: verifiedOnly, email, password: 'not-the-password-1' }), 401, 'INVALID_CREDENTIALS');
      expectAdminError(await auth({ action: 'login', clientId: verifiedOnly, email, password: USER_PASSWORD }), 403, 'INSUFFICIENT_PERMISSIONS');
      // The same user signs in to an application that does not ask for a verified email, and with rememberMe gets the tenant's 30 days.
      const remembered = await auth({ action: 'login', clientId: appClientId, email, password: USER_PASSWORD, rememberMe: true });
      expect(remembered.status).toBe(200);
      const lasts = Date.parse(String((remembered.body['session'] as Json)['expiresAt'])) - Date.now();
      expect(lasts).toBeGreaterThan(29 * 86400 * 1000);
      expect(lasts).toBeLessThanOrEqual(30 * 86400 * 1000);
    });

    it('answers bad input in the seed 002 envelope and changes nothing', async () => {
      expectAdminError(await auth({ action: 'dance' }), 400, 'VALIDATION_ERROR');
      expectAdminError(await auth({ action: 'login', email: registered.email }), 400, 'VALIDATION_ERROR');
      expectAdminError(await auth({ action: 'login', email: registered.email, password: USER_PASSWORD, secretSauce: 1 }), 400, 'VALIDATION_ERROR');
      expectAdminError(await auth({ action: 'login', email: registered.email, password: USER_PASSWORD, clientId: 'no-such-app' }), 400, 'VALIDATION_ERROR');
      expectAdminError(await auth({ action: 'login', email: registered.email, password: USER_PASSWORD, deviceInfo: 'Desktop' }), 400, 'VALIDATION_ERROR');
      expectAdminError(await auth({ action: 'refresh' }), 400, 'VALIDATION_ERROR');
      expectAdminError(await auth({ action: 'logout' }), 400, 'VALIDATION_ERROR');
      const text = await call('POST', '/api/admin/identity/auth', { raw: 'action=login', headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBeGreaterThanOrEqual(400);
      expect(text.status).toBeLessThan(500);
      expect(text.body).toMatchObject({ success: false, code: expect.any(String), requestId: expect.any(String) });
      const malformed = await call('POST', '/api/admin/identity/auth', { raw: '{"action":', headers: { 'content-type': 'application/json' } });
      expectAdminError(malformed, 400, 'VALIDATION_ERROR');
    });
  });

  describe('brute force', () => {
    it('answers an unknown user exactly as a wrong password', async () => {
      const known = await auth({ action: 'login', email: ADMIN_EMAIL.toUpperCase(), password: 'wrong-password-1' });
      const unknown = await auth({ action: 'login', email: `nobody-${randomUUID()}@example.com`, password: 'wrong-password-1' });
      expectAdminError(known, 401, 'INVALID_CREDENTIALS');
      expect(comparable(unknown.body)).toEqual(comparable(known.body));
      expect(unknown.status).toBe(known.status);
      const v1Known = await call('POST', '/api/v1/auth/login', { body: { username: ADMIN_EMAIL, password: 'wrong-password-2' } });
      const v1Unknown = await call('POST', '/api/v1/auth/login', { body: { username: `nobody-${randomUUID()}@example.com`, password: 'wrong-password-2' } });
      expect(v1Unknown.status).toBe(401);
      const { request_id: _a, timestamp: _b, ...knownError } = v1Known.body['error'] as Json;
      const { request_id: _c, timestamp: _d, ...unknownError } = v1Unknown.body['error'] as Json;
      expect(unknownError).toEqual(knownError);
      // The same headers too (apart from those that differ between any two requests, and the per-username rate-limit budget).
      const varying = ['date', 'x-request-id', 'etag', 'x-ratelimit-remaining', 'x-ratelimit-reset'];
      const headersOf = (answer: Answer) => [...answer.headers.entries()].filter(([name]) => !varying.includes(name));
      expect(headersOf(v1Unknown)).toEqual(headersOf(v1Known));
      // The admin's count is reset by a success, so these failures lock nothing.
      expect((await call('POST', '/api/v1/auth/login', { body: { username: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).status).toBe(200);
    });

    it("locks an account after 3 failures with Retry-After in each family's body; an unknown identifier alike; other users are not slowed", async () => {
      const email = `victim-${randomUUID().slice(0, 8)}@example.com`;
      expect((await auth({ action: 'register', clientId: appClientId, email, password: USER_PASSWORD, acceptTerms: true })).status).toBe(201);
      const ghost = `ghost-${randomUUID().slice(0, 8)}@example.com`;
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expectAdminError(await auth({ action: 'login', email, password: `wrong-${attempt}-password` }), 401, 'INVALID_CREDENTIALS');
        expectAdminError(await auth({ action: 'login', email: ghost, password: `wrong-${attempt}-password` }), 401, 'INVALID_CREDENTIALS');
      }
      const locked = await auth({ action: 'login', email, password: USER_PASSWORD });
      expectAdminError(locked, 429, 'RATE_LIMIT_EXCEEDED');
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(locked.body['retryAfter']).toBe(retryAfter);
      const ghostLocked = await auth({ action: 'login', email: ghost, password: USER_PASSWORD });
      expectAdminError(ghostLocked, 429, 'RATE_LIMIT_EXCEEDED');
      expect(ghostLocked.body['error']).toBe(locked.body['error']);
      expect(Number(ghostLocked.headers.get('retry-after'))).toBeGreaterThan(0);

      const v1 = await call('POST', '/api/v1/auth/login', { body: { username: email, password: USER_PASSWORD } });
      expect(v1.status).toBe(429);
      expect(Number(v1.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(v1.body['error']).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', retry_after: expect.any(Number) });

      // Another user from the same address signs in at once.
      expect((await auth({ action: 'login', clientId: appClientId, email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).status).toBe(200);
    });
  });

  describe('seed 003: /api/auth/create and /api/auth/validate', () => {
    let tenantA: { id: string; key: string };
    let tenantB: { id: string; key: string };

    beforeAll(async () => {
      const tenant = async (name: string) => {
        const created = await call('POST', '/api/v1/tenants', { token: adminToken, body: { name } });
        expect(created.status).toBe(201);
        const id = String(created.body['id']);
        const key = await call('POST', `/api/v1/tenants/${id}/api-keys`, { token: adminToken, body: { name: 'backend' } });
        expect(key.status).toBe(201);
        return { id, key: String(key.body['api_key']) };
      };
      tenantA = await tenant(`Tenant A ${randomUUID().slice(0, 6)}`);
      tenantB = await tenant(`Tenant B ${randomUUID().slice(0, 6)}`);
    });

    it("creates a token for an identifier in the key's tenant, creating the user once", async () => {
      const first = await call('POST', '/api/auth/create', { headers: { 'x-api-key': tenantA.key }, body: { identifier: 'member-42' } });
      expect(first.status).toBe(200);
      expect(Object.keys(first.body)).toEqual(['token']);
      const token = String(first.body['token']);
      expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
      const caller = await verifier.verify(token);
      expect(caller.tenantId).toBe(tenantA.id);
      const claims = decodeJwt(token);
      expect(Number(claims.exp) - Number(claims.iat)).toBe(900);
      const second = await call('POST', '/api/auth/create', { headers: { 'x-api-key': tenantA.key }, body: { identifier: 'MEMBER-42' } });
      expect(decodeJwt(String(second.body['token'])).sub).toBe(claims.sub);
      const users = await db.query("SELECT tenant_id FROM directory.users WHERE lower(username) = 'member-42'");
      expect(users.rows).toEqual([{ tenant_id: tenantA.id }]);
      // Tenant isolation: the same identifier with tenant B's key is another user of tenant B.
      const other = await call('POST', '/api/auth/create', { headers: { 'x-api-key': tenantB.key }, body: { identifier: 'member-42' } });
      const otherClaims = decodeJwt(String(other.body['token']));
      expect(otherClaims['tid']).toBe(tenantB.id);
      expect(otherClaims.sub).not.toBe(claims.sub);
      const listed = await call('GET', '/api/users', { headers: { 'x-api-key': tenantA.key } });
      expect((listed.body as unknown as Array<{ identifier: string }>).map((u) => u.identifier)).toEqual(['member-42']);
    });

    it("never mints an administrator's token with an API key", async () => {
      const key = await call('POST', `/api/v1/tenants/${defaultTenantId}/api-keys`, { token: adminToken, body: { name: 'default backend' } });
      expect(key.status).toBe(201);
      const refused = await call('POST', '/api/auth/create', { headers: { 'x-api-key': String(key.body['api_key']) }, body: { identifier: ADMIN_EMAIL } });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: 'access_denied', error_description: expect.stringContaining('administrative') });
    });

    it('validates an API key given as a bearer token: {tenant: {id, name}}', async () => {
      const answer = await call('POST', '/api/auth/validate', { token: tenantA.key, headers: { 'content-type': 'application/json' } });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ tenant: { id: tenantA.id, name: expect.stringMatching(/^Tenant A/) } });
      expect((await call('POST', '/api/auth/validate', { token: tenantB.key })).body).toEqual({ tenant: { id: tenantB.id, name: expect.stringMatching(/^Tenant B/) } });
    });

    it("answers missing, unknown and malformed keys and bad bodies in seed 003's error body", async () => {
      const missing = await call('POST', '/api/auth/create', { body: { identifier: 'x' } });
      expect(missing.status).toBe(401);
      expect(missing.body).toEqual({ error: 'invalid_api_key', error_description: expect.any(String) });
      expect((await call('POST', '/api/auth/create', { headers: { 'x-api-key': `${tenantA.key.slice(0, -3)}xyz` }, body: { identifier: 'x' } })).status).toBe(401);
      expect((await call('POST', '/api/auth/validate', { token: 'sk_not_a_key_at_all_really' })).status).toBe(401);
      expect((await call('POST', '/api/auth/validate', {})).status).toBe(401);
      const noIdentifier = await call('POST', '/api/auth/create', { headers: { 'x-api-key': tenantA.key }, body: {} });
      expect(noIdentifier.status).toBe(400);
      expect(noIdentifier.body).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('identifier') });
      const count = await db.query('SELECT count(*)::int AS n FROM directory.users WHERE tenant_id = $1', [tenantA.id]);
      expect(count.rows[0].n).toBe(1);
    });

    it("enforces the tenant's IP allow-list on API-key calls; a client's own X-Forwarded-For does not pass it", async () => {
      await db.query('UPDATE directory.tenants SET ip_allow_list = $2 WHERE id = $1', [tenantA.id, ['203.0.113.0/24']]);
      const refused = await call('POST', '/api/auth/create', { headers: { 'x-api-key': tenantA.key, 'x-forwarded-for': '203.0.113.7' }, body: { identifier: 'member-43' } });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: 'access_denied', error_description: expect.stringContaining('allow-list') });
      expect((await call('POST', '/api/auth/validate', { token: tenantA.key })).status).toBe(403);
      expect((await call('GET', '/api/users', { headers: { 'x-api-key': tenantA.key } })).status).toBe(403);
      // Tenant B has no list; tenant A admits loopback again once listed.
      expect((await call('POST', '/api/auth/validate', { token: tenantB.key })).status).toBe(200);
      await db.query('UPDATE directory.tenants SET ip_allow_list = $2 WHERE id = $1', [tenantA.id, ['127.0.0.0/8', '::1']]);
      expect((await call('POST', '/api/auth/validate', { token: tenantA.key })).status).toBe(200);
      const users = await db.query("SELECT count(*)::int AS n FROM directory.users WHERE lower(username) = 'member-43'");
      expect(users.rows[0].n).toBe(0);
    });

    it("takes the token's lifetime from the tenant's configuration, changed with PATCH /api/v1/tenants/{id}", async () => {
      const lifetimeOf = async (): Promise<number> => {
        const created = await call('POST', '/api/auth/create', { headers: { 'x-api-key': tenantB.key }, body: { identifier: 'member-ttl' } });
        expect(created.status).toBe(200);
        const claims = decodeJwt(String(created.body['token']));
        return Number(claims.exp) - Number(claims.iat);
      };
      expect(await lifetimeOf()).toBe(900);
      const patched = await call('PATCH', `/api/v1/tenants/${tenantB.id}`, { token: adminToken, body: { token_lifetimes: { access_token: 420 } } });
      expect(patched.status).toBe(200);
      expect(patched.body['token_lifetimes']).toMatchObject({ access_token: 420 });
      // auth-server reuses a tenant's record for up to 30 s (TenantLookupService); the next tokens after that carry the new lifetime.
      await eventually(async () => ((await lifetimeOf()) === 420 ? true : undefined), 45000, 1000);
      expect(await lifetimeOf()).toBe(420);
      // Tenant A's tokens keep the default.
      const other = await call('POST', '/api/auth/create', { headers: { 'x-api-key': tenantA.key }, body: { identifier: 'member-42' } });
      const otherClaims = decodeJwt(String(other.body['token']));
      expect(Number(otherClaims.exp) - Number(otherClaims.iat)).toBe(900);
    });
  });

  describe('seed 001: QR contextual tokens', () => {
    const create = (body: Json, token = adminToken) => call('POST', '/identity/v2/contextual-tokens', { token, body });
    const validate = (body: Json) => call('POST', '/identity/v2/contextual-tokens/validate', { body });

    it('issues a token with a PNG QR code, valid for its audience with its claims', async () => {
      const answer = await create({ event_id: 'event-uuid', location: 'Building A, Room 101', audience: 'attendance-system', expires_in: 300 });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({ token: expect.any(String), qr_code: expect.stringMatching(/^data:image\/png;base64,iVBORw0KGgo/), expires_at: expect.any(String) });
      const token = String(answer.body['token']);
      expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'contextual+jwt', alg: 'ES256' });
      const valid = await validate({ token, audience: 'attendance-system' });
      expect(valid.status).toBe(200);
      expect(valid.body).toEqual({
        valid: true,
        claims: expect.objectContaining({ aud: 'attendance-system', event_id: 'event-uuid', location: 'Building A, Room 101', tid: defaultTenantId, single_use: false }),
      });
      expect(new Date(Number((valid.body['claims'] as Json)['exp']) * 1000).toISOString()).toBe(answer.body['expires_at']);
      // Not single use: valid again.
      expect((await validate({ token, audience: 'attendance-system' })).body['valid']).toBe(true);
    });

    it('names why a token is not valid: wrong audience, bad signature, malformed, already used, revoked, expired', async () => {
      const token = String((await create({ event_id: 'e1', audience: 'door', single_use: true })).body['token']);
      expect((await validate({ token, audience: 'attendance-system' })).body).toEqual({ valid: false, reason: 'wrong_audience' });
      const [header, payload] = token.split('.');
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(token), aud: 'vault' })).toString('base64url')}.${token.split('.')[2]}`;
      expect((await validate({ token: forged, audience: 'vault' })).body).toEqual({ valid: false, reason: 'bad_signature' });
      expect((await validate({ token: `${header}.${payload}.AAAA`, audience: 'door' })).body).toEqual({ valid: false, reason: 'bad_signature' });
      expect((await validate({ token: 'not.a-token', audience: 'door' })).body).toEqual({ valid: false, reason: 'malformed' });
      expect((await validate({ token: adminToken, audience: 'door' })).body).toEqual({ valid: false, reason: 'malformed' });
      expect((await validate({ token, audience: 'door' })).body).toMatchObject({ valid: true });
      expect((await validate({ token, audience: 'door' })).body).toEqual({ valid: false, reason: 'already_used' });

      const revocable = String((await create({ event_id: 'e2', audience: 'door' })).body['token']);
      const jti = String(decodeJwt(revocable).jti);
      expect((await call('DELETE', `/identity/v2/contextual-tokens/${jti}`, { token: adminToken })).status).toBe(204);
      expect((await validate({ token: revocable, audience: 'door' })).body).toEqual({ valid: false, reason: 'revoked' });
      expect((await call('DELETE', `/identity/v2/contextual-tokens/${randomUUID()}`, { token: adminToken })).status).toBe(404);

      const shortLived = String((await create({ event_id: 'e3', audience: 'door', expires_in: 1 })).body['token']);
      const expired = await eventually(async () => {
        const answer = await validate({ token: shortLived, audience: 'door' });
        return answer.body['reason'] === 'expired' ? answer : undefined;
      }, 10000, 250);
      expect(expired.body).toEqual({ valid: false, reason: 'expired' });
    });

    it('refuses unauthenticated creation and bad input in the OAuth error body', async () => {
      const anonymous = await call('POST', '/identity/v2/contextual-tokens', { body: { event_id: 'e', audience: 'a' } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ error: 'invalid_token' });
      const tooLong = await create({ event_id: 'e', audience: 'a', expires_in: 601 });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('expires_in') });
      expect((await create({ audience: 'a' })).body).toMatchObject({ error: 'invalid_request' });
      expect((await validate({ token: 'x' })).status).toBe(400);
      const before = await db.query('SELECT count(*)::int AS n FROM auth.contextual_tokens');
      expect((await create({ event_id: 'e', audience: 'a', expires_in: 0 })).status).toBe(400);
      const after = await db.query('SELECT count(*)::int AS n FROM auth.contextual_tokens');
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });
  });
  describe('seeds 000 and 004: /api/v1/auth/*', () => {
    /** A user of the open application with TOTP enrolled: its id, email, TOTP secret and recovery codes. */
    const userWithTotp = async (): Promise<{ id: string; email: string; secret: string; recoveryCodes: string[] }> => {
      const email = `totp-${randomUUID().slice(0, 8)}@example.com`;
      const registration = await auth({ action: 'register', clientId: appClientId, email, password: USER_PASSWORD, acceptTerms: true });
      expect(registration.status).toBe(201);
      const id = String((registration.body['user'] as Json)['id']);
      const enrolled = await call('POST', `/api/v1/users/${id}/mfa/enroll`, { token: String((registration.body['tokens'] as Json)['accessToken']) });
      expect(enrolled.status).toBe(200);
      return { id, email, secret: String(enrolled.body['secret']), recoveryCodes: enrolled.body['recovery_codes'] as string[] };
    };
    const mfaSessionOf = async (email: string): Promise<string> => {
      const answer = await call('POST', '/api/v1/auth/login', { body: { username: email, password: USER_PASSWORD, tenant_id: defaultTenantId, client_id: 'sigma-iam' } });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ mfa_required: true, mfa_session_id: expect.any(String) });
      return String(answer.body['mfa_session_id']);
    };
    const verify = (body: Json) => call('POST', '/api/v1/auth/mfa/verify', { body });
    const currentTotp = (secret: string) => totpCodeAt(secret, Math.floor(Date.now() / 1000));

    it("signs in with seed 000's form: LoginResponse with its user; refresh and logout take forms too", async () => {
      const answer = await form('/api/v1/auth/login', { credentials: Buffer.from(`${ADMIN_EMAIL}:${ADMIN_PASSWORD}`).toString('base64') });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'openid profile email' });
      expect(answer.body['user']).toMatchObject({
        id: expect.any(String),
        email: ADMIN_EMAIL,
        username: ADMIN_EMAIL,
        email_verified: expect.any(Boolean),
        is_active: true,
        roles: ['super-admin'],
        permissions: ['*'],
        created_at: expect.any(String),
        last_login: expect.any(String),
      });
      // The admin has no names: full_name is there, null.
      expect(answer.body['user']).toHaveProperty('full_name', null);
      const refreshed = await form('/api/v1/auth/refresh', { refresh_token: String(answer.body['refresh_token']) });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
      expect(await form('/api/v1/auth/logout', { refresh_token: String(refreshed.body['refresh_token']) })).toMatchObject({ status: 200, body: { success: true } });
      expectSigmaError(await form('/api/v1/auth/refresh', { refresh_token: String(refreshed.body['refresh_token']) }), 401, 'INVALID_TOKEN');
    });

    it('answers bad logins in the Sigma body, never 500: bad base64, no colon, missing fields, both shapes, wrong content type, malformed JSON', async () => {
      expectSigmaError(await form('/api/v1/auth/login', { credentials: '%%%not base64%%%' }), 400, 'VALIDATION_ERROR', 'credentials');
      expectSigmaError(await form('/api/v1/auth/login', { credentials: Buffer.from('no-colon-here').toString('base64') }), 400, 'VALIDATION_ERROR', 'credentials');
      expectSigmaError(await form('/api/v1/auth/login', { credentials: '' }), 400, 'VALIDATION_ERROR', 'credentials');
      expectSigmaError(await form('/api/v1/auth/login', {}), 400, 'VALIDATION_ERROR', 'username');
      expectSigmaError(await form('/api/v1/auth/login', { credentials: Buffer.from(`${ADMIN_EMAIL}:x`).toString('base64'), username: ADMIN_EMAIL }), 400, 'VALIDATION_ERROR', 'credentials');
      expectSigmaError(await call('POST', '/api/v1/auth/login', { body: { username: ADMIN_EMAIL } }), 400, 'VALIDATION_ERROR', 'password');
      expectSigmaError(await call('POST', '/api/v1/auth/login', { body: { username: ADMIN_EMAIL, password: 42 } }), 400, 'VALIDATION_ERROR', 'password');
      expectSigmaError(await call('POST', '/api/v1/auth/login', { body: { username: ADMIN_EMAIL, password: ADMIN_PASSWORD, tenant_id: 'default' } }), 400, 'VALIDATION_ERROR', 'tenant_id');
      expectSigmaError(await rawPost('/api/v1/auth/login', 'application/json', '{"username":'), 400, 'VALIDATION_ERROR');
      for (const path of ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout', '/api/v1/auth/mfa/verify']) {
        const text = await rawPost(path, 'text/plain', `username=${ADMIN_EMAIL}`);
        expect([400, 415]).toContain(text.status);
        expectSigmaError(text, text.status, 'VALIDATION_ERROR');
        expectSigmaError(await rawPost(path, 'application/json', '[1,'), 400, 'VALIDATION_ERROR');
      }
      expectSigmaError(await call('POST', '/api/v1/auth/refresh', { body: {} }), 400, 'VALIDATION_ERROR', 'refresh_token');
      expectSigmaError(await call('POST', '/api/v1/auth/logout', { body: {} }), 400, 'VALIDATION_ERROR', 'refresh_token');
      expectSigmaError(await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: 'not-a-refresh-token' } }), 401, 'INVALID_TOKEN');
    });

    it("finishes seed 004's MFA step with a TOTP or recovery code: wrong, replayed and used codes 401; unknown, used and expired sessions 404", async () => {
      const user = await userWithTotp();
      const first = await mfaSessionOf(user.email);
      expectSigmaError(await verify({ mfa_session_id: `unknown-${randomUUID()}`, totp_code: '123456' }), 404, 'RESOURCE_NOT_FOUND');
      expectSigmaError(await verify({ mfa_session_id: first }), 400, 'VALIDATION_ERROR', 'totp_code');
      expectSigmaError(await verify({ mfa_session_id: first, totp_code: '123456', recovery_code: user.recoveryCodes[0] }), 400, 'VALIDATION_ERROR', 'totp_code');
      expectSigmaError(await verify({ mfa_session_id: first, totp_code: 'abcdef' }), 400, 'VALIDATION_ERROR', 'totp_code');
      expectSigmaError(await verify({ totp_code: '123456' }), 400, 'VALIDATION_ERROR', 'mfa_session_id');
      expectSigmaError(await verify({ mfa_session_id: first, totp_code: '000000' }), 401, 'INVALID_CREDENTIALS');
      const code = await currentTotp(user.secret);
      const verified = await verify({ mfa_session_id: first, totp_code: code });
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.any(String), token_type: 'Bearer', expires_in: 900, mfa_required: false });
      expect(decodeJwt(String(verified.body['id_token']))['amr']).toEqual(['pwd', 'otp', 'mfa']);
      // The MFA session is single use.
      expectSigmaError(await verify({ mfa_session_id: first, totp_code: code }), 404, 'RESOURCE_NOT_FOUND');

      // The same TOTP code again, in a new session: replayed, 401. A recovery code works once.
      const second = await mfaSessionOf(user.email);
      expectSigmaError(await verify({ mfa_session_id: second, totp_code: code }), 401, 'INVALID_CREDENTIALS');
      expect((await verify({ mfa_session_id: second, recovery_code: user.recoveryCodes[0] })).status).toBe(200);
      const third = await mfaSessionOf(user.email);
      expectSigmaError(await verify({ mfa_session_id: third, recovery_code: user.recoveryCodes[0] }), 401, 'INVALID_CREDENTIALS');
      // Expired: past its 5 minutes the session is unknown.
      await db.query("UPDATE auth.mfa_sessions SET expires_at = now() - interval '1 second' WHERE id_hash = $1", [createHash('sha256').update(third).digest('hex')]);
      expectSigmaError(await verify({ mfa_session_id: third, recovery_code: user.recoveryCodes[1] }), 404, 'RESOURCE_NOT_FOUND');
      const unused = await db.query('SELECT count(*)::int AS n FROM directory.recovery_codes WHERE user_id = $1 AND used_at IS NULL', [user.id]);
      expect(unused.rows[0].n).toBe(user.recoveryCodes.length - 1);
    });

    it("refreshes with seed 004's {refresh_token, client_id} (rotation; the spent token is 401) and logs out (the refresh token dies)", async () => {
      const login = await call('POST', '/api/v1/auth/login', { body: { username: ADMIN_EMAIL, password: ADMIN_PASSWORD, client_id: 'sigma-iam' } });
      expect(login.status).toBe(200);
      const refreshed = await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: login.body['refresh_token'], client_id: 'sigma-iam' } });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
      expect(refreshed.body['refresh_token']).not.toBe(login.body['refresh_token']);
      // A client_id other than the first-party client the direct login APIs serve is 400, naming it.
      expectSigmaError(await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: refreshed.body['refresh_token'], client_id: appClientId } }), 400, 'VALIDATION_ERROR', 'client_id');
      expectSigmaError(await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: login.body['refresh_token'], client_id: 'sigma-iam' } }), 401, 'INVALID_TOKEN');
      const again = await call('POST', '/api/v1/auth/login', { body: { username: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
      expect(await call('POST', '/api/v1/auth/logout', { body: { refresh_token: again.body['refresh_token'] } })).toMatchObject({ status: 200, body: { success: true } });
      expectSigmaError(await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: again.body['refresh_token'] } }), 401, 'INVALID_TOKEN');
    });

    it('ties a JSON login to a pending OAuth authorization with login_challenge (its tenant and client only; unknown 404)', async () => {
      const params = new URLSearchParams({
        response_type: 'code',
        client_id: appClientId,
        redirect_uri: 'https://app.example/callback',
        scope: 'openid',
        state: 'state-1',
        code_challenge: createHash('sha256').update('a-verifier-of-enough-length-for-pkce-0123456789').digest('base64url'),
        code_challenge_method: 'S256',
      });
      let answer = await fetch(`${gateway}/oauth/authorize?${params.toString()}`, { redirect: 'manual' });
      for (let hops = 0; hops < 5 && (answer.status === 302 || answer.status === 303); hops += 1) {
        answer = await fetch(new URL(answer.headers.get('location') ?? '', gateway), { redirect: 'manual' });
      }
      expect(answer.status).toBe(200);
      const loginChallenge = /name="login_challenge" value="([^"]+)"/.exec(await answer.text())?.[1] ?? '';
      expect(loginChallenge).not.toBe('');
      const login = (challenge: string, extra: Json = {}) => call('POST', '/api/v1/auth/login', { body: { username: ADMIN_EMAIL, password: ADMIN_PASSWORD, login_challenge: challenge, ...extra } });
      expectSigmaError(await login(loginChallenge, { tenant_id: randomUUID() }), 400, 'VALIDATION_ERROR', 'tenant_id');
      expectSigmaError(await login(loginChallenge, { client_id: closedAppClientId }), 400, 'VALIDATION_ERROR', 'client_id');
      expectSigmaError(await login('x'.repeat(43)), 404, 'RESOURCE_NOT_FOUND');
      // No tokens: the browser session cookie, and the next step of this authorization (the third-party app's consent page).
      const tied = await login(loginChallenge, { tenant_id: defaultTenantId, client_id: appClientId });
      expect(tied.status).toBe(200);
      expect(tied.body).toEqual({ mfa_required: false, redirect_to: `${gateway}/oauth/consent?login_challenge=${encodeURIComponent(loginChallenge)}` });
      expect(tied.headers.getSetCookie().length).toBeGreaterThan(0);
    });
  });

  describe("bad input on issue 5's other endpoints: the family's error body, never 500, nothing stored", () => {
    it('seed 001 passkey routes: missing fields, bad base64, wrong content type, unknown challenges', async () => {
      const options = await call('POST', '/webauthn/assertion/options', { body: {} });
      expect(options.status).toBe(200);
      const challenge = String(options.body['challenge']);
      const result = (body: unknown, headers: Record<string, string> = { 'webauthn-challenge': challenge }) => call('POST', '/webauthn/assertion/result', { body, headers });
      const credential = (response: Json) => ({ id: 'AAAA', rawId: 'AAAA', type: 'public-key', clientExtensionResults: {}, response });
      expectOAuthError(await result(credential({ clientDataJSON: '!!!not base64!!!', authenticatorData: '***', signature: '@@' })), 400, 'invalid_request');
      expectOAuthError(await result({ type: 'public-key' }), 400, 'invalid_request');
      expectOAuthError(await result(credential({ clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' }), {}), 400, 'invalid_request');
      expectOAuthError(await result(credential({ clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' }), { 'webauthn-challenge': '%%%' }), 400, 'invalid_request');
      // (Assertion options take an empty body: a text body is ignored and answers options for any user.)
      for (const path of ['/webauthn/assertion/result', '/webauthn/registration/verification']) {
        const text = await rawPost(path, 'text/plain', 'hello', { 'webauthn-challenge': challenge, authorization: `Bearer ${adminToken}` });
        expect(text.status).toBeGreaterThanOrEqual(400);
        expect(text.status).toBeLessThan(500);
        expect(text.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
        expectOAuthError(await rawPost(path, 'application/json', '{"id":', { authorization: `Bearer ${adminToken}` }), 400, 'invalid_request');
      }
      expectOAuthError(await rawPost('/webauthn/assertion/options', 'application/json', '{"username":'), 400, 'invalid_request');
      const verification = await call('POST', '/webauthn/registration/verification', {
        token: adminToken,
        headers: { 'webauthn-challenge': challenge },
        body: { id: 'AAAA', rawId: 'AAAA', type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: '!!!', attestationObject: '###' } },
      });
      expectOAuthError(verification, 400, 'invalid_request');
      expect((await db.query('SELECT count(*)::int AS n FROM directory.webauthn_credentials')).rows[0].n).toBe(0);
    });

    it('seed 003 API-key routes and seed 001 QR tokens: wrong content type and malformed JSON', async () => {
      const key = await call('POST', `/api/v1/tenants/${defaultTenantId}/api-keys`, { token: adminToken, body: { name: 'bad input' } });
      expect(key.status).toBe(201);
      const apiKey = String(key.body['api_key']);
      const before = (await db.query('SELECT count(*)::int AS n FROM directory.users')).rows[0].n;
      for (const [path, headers] of [
        ['/api/auth/create', { 'x-api-key': apiKey }],
        ['/api/auth/validate', { authorization: `Bearer ${apiKey}` }],
        ['/identity/v2/contextual-tokens', { authorization: `Bearer ${adminToken}` }],
        ['/identity/v2/contextual-tokens/validate', {}],
      ] as Array<[string, Record<string, string>]>) {
        const text = await rawPost(path, 'text/plain', 'identifier=member-99', headers);
        expect(text.status).toBeGreaterThanOrEqual(path === '/api/auth/validate' ? 200 : 400);
        expect(text.status).toBeLessThan(500);
        if (text.status >= 400) expect(text.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
        expectOAuthError(await rawPost(path, 'application/json', '{"identifier":', headers), 400, 'invalid_request');
      }
      expectOAuthError(await call('POST', '/api/auth/create', { headers: { 'x-api-key': apiKey }, body: { identifier: 42 } }), 400, 'invalid_request');
      expectOAuthError(await call('POST', '/api/auth/create', { headers: { 'x-api-key': apiKey }, body: { identifier: '' } }), 400, 'invalid_request');
      expect((await db.query('SELECT count(*)::int AS n FROM directory.users')).rows[0].n).toBe(before);
    });

    it('seed 002 SSO: malformed JSON, wrong content type and missing fields in the envelope', async () => {
      expectAdminError(await rawPost('/api/admin/identity/sso', 'application/json', '{"code":'), 400, 'VALIDATION_ERROR');
      const text = await rawPost('/api/admin/identity/sso', 'text/plain', 'code=x&state=y');
      expect(text.status).toBeGreaterThanOrEqual(400);
      expect(text.status).toBeLessThan(500);
      expect(text.body).toMatchObject({ success: false, code: expect.any(String), requestId: text.headers.get('x-request-id') });
      expectAdminError(await call('POST', '/api/admin/identity/sso', { body: {} }), 400, 'VALIDATION_ERROR');
      expectAdminError(await call('POST', '/api/admin/identity/sso', { body: { code: 'x', state: 'not-a-state-we-issued' } }), 400, 'VALIDATION_ERROR');
      expectAdminError(await call('GET', '/api/admin/identity/sso?provider=nope&clientId=nope'), 400, 'VALIDATION_ERROR');
    });
  });
});
