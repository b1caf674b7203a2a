import { InMemoryEventBus } from '@sigma/shared/data-access-events';
import { RunningService, startService } from '@sigma/shared/feature-service-host';
import { eventually, freePort, readJson, startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { AccessTokenVerifier, API_AUDIENCE, issuerOf } from '@sigma/shared/util-auth';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { authServer } from './auth-server.definition';
import { FakeAccount, FakeDirectory } from './testing/fake-directory';
import { FakeSessionService } from './testing/fake-session-service';

jest.setTimeout(60000);

const PUBLIC_URL = 'https://iam.example.test';
const PASSWORD = 'correct horse battery staple';

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
  error: { code: string; message: string; details: Array<{ field: string; message: string }>; request_id: string; retry_after?: number };
}

/**
 * auth-server as it runs (settings, migrations, HTTP plumbing, error bodies) over real PostgreSQL,
 * against a fake user-directory that speaks the internal API contract.
 */
describe('auth-server token endpoints', () => {
  let postgres: TestPostgres;
  let directory: FakeDirectory;
  let sessions: FakeSessionService;
  let service: RunningService;
  let db: Client;
  let base: string;
  let admin: FakeAccount;
  let verifier: AccessTokenVerifier;

  beforeAll(async () => {
    [postgres, directory, sessions] = await Promise.all([startTestPostgres(), Promise.resolve(new FakeDirectory()), Promise.resolve(new FakeSessionService())]);
    await Promise.all([directory.start(), sessions.start()]);
    admin = directory.addUser('admin@sigma-iam.local', PASSWORD, { roles: ['super-admin'], permissions: ['*'] });
    const bus = new InMemoryEventBus();
    service = await startService(authServer, {
      bus,
      env: {
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        DATABASE_URL: postgres.url,
        EVENT_TRANSPORT: 'memory',
        OUTBOX_POLL_INTERVAL_MS: '20',
        SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        PUBLIC_URL,
        USER_DIRECTORY_URL: directory.url,
        DIRECTORY_TIMEOUT_MS: '1000',
        SESSION_SERVICE_URL: sessions.url,
        SESSION_SERVICE_TIMEOUT_MS: '1000',
      },
    });
    base = service.url.replace('localhost', '127.0.0.1');
    verifier = new AccessTokenVerifier({ publicUrl: PUBLIC_URL, jwksUrl: (tid) => `${base}/.well-known/jwks.json?tenant_id=${tid}` });
    db = new Client({ connectionString: postgres.url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await service?.close();
    await directory?.stop();
    await sessions?.stop();
    await postgres?.stop();
  });

  beforeEach(() => {
    directory.down = false;
    sessions.down = false;
  });

  const post = (path: string, body: object, form = false) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
    });
  const login = async (body: object = { username: admin.claims.username, password: PASSWORD }, form = false): Promise<Tokens> => {
    const answer = await post('/api/v1/auth/login', body, form);
    expect(answer.status).toBe(200);
    return readJson<Tokens>(answer);
  };
  const sigmaError = async (answer: Response, status: number, code: string): Promise<SigmaError> => {
    expect(answer.status).toBe(status);
    const body = await readJson<SigmaError>(answer);
    expect(body.error).toMatchObject({ code, request_id: expect.any(String) });
    return body;
  };

  it('documents the endpoints, the first-party client rule included, in its OpenAPI document', async () => {
    const document = await readJson<{ paths: Record<string, Record<string, { description?: string }>> }>(await fetch(`${base}/internal/openapi.json`));
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/mfa/verify', '/api/v1/auth/refresh', '/api/v1/auth/logout']) expect(document.paths[path]?.['post']).toBeDefined();
    expect(document.paths['/.well-known/jwks.json']?.['get']).toBeDefined();
    expect(document.paths['/api/v1/auth/login']['post'].description).toContain('first-party client `sigma-iam`');
  });

  describe('JWKS', () => {
    it("publishes the default tenant's key without tenant_id and a tenant's own with it", async () => {
      const other = directory.addTenant('other');
      const answer = await fetch(`${base}/.well-known/jwks.json`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('public, max-age=60, stale-if-error=86400');
      const { keys } = await readJson<{ keys: Array<Record<string, string>> }>(answer);
      expect(keys).toEqual([{ kty: 'EC', use: 'sig', crv: 'P-256', kid: expect.any(String), x: expect.any(String), y: expect.any(String), alg: 'ES256' }]);
      const same = await readJson<{ keys: Array<Record<string, string>> }>(await fetch(`${base}/.well-known/jwks.json?tenant_id=${directory.defaultTenant.id}`));
      expect(same.keys).toEqual(keys);
      const theirs = await readJson<{ keys: Array<Record<string, string>> }>(await fetch(`${base}/.well-known/jwks.json?tenant_id=${other.id}`));
      expect(theirs.keys[0].kid).not.toBe(keys[0].kid);
    });

    it('answers an unknown tenant 404 and a malformed id 400, in the OAuth body', async () => {
      const unknown = await fetch(`${base}/.well-known/jwks.json?tenant_id=${randomUUID()}`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: 'invalid_request', error_description: 'the tenant does not exist' });
      const malformed = await fetch(`${base}/.well-known/jwks.json?tenant_id=not-a-uuid`);
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ error: 'invalid_request' });
    });

    it('answers 503 when the directory is down', async () => {
      directory.down = true;
      const answer = await fetch(`${base}/.well-known/jwks.json?tenant_id=${randomUUID()}`);
      expect(answer.status).toBe(503);
      expect(await answer.json()).toMatchObject({ error: 'temporarily_unavailable' });
    });
  });

  describe('POST /api/v1/auth/login', () => {
    it('answers tokens and the user to JSON; the access token verifies as the services verify it', async () => {
      const answer = await post('/api/v1/auth/login', { username: 'ADMIN@sigma-iam.local', password: PASSWORD });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      const tokens = await readJson<Tokens>(answer);
      expect(tokens).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        id_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        scope: 'openid profile email',
        mfa_required: false,
        user: {
          id: admin.claims.user_id,
          username: 'admin@sigma-iam.local',
          email: admin.claims.email,
          tenant_id: directory.defaultTenant.id,
          first_name: 'Ada',
          last_name: 'Lovelace',
          full_name: 'Ada Lovelace',
          email_verified: true,
          is_active: true,
          roles: ['super-admin'],
          permissions: ['*'],
          created_at: '2026-01-01T00:00:00.000Z',
          updated_at: '2026-01-02T00:00:00.000Z',
          last_login: null,
        },
      });
      const caller = await verifier.verify(tokens.access_token);
      expect(caller).toMatchObject({ tenantId: directory.defaultTenant.id, userId: admin.claims.user_id, clientId: 'sigma-iam', roles: ['super-admin'], permissions: ['*'] });
      expect(caller.sessionId).toEqual(expect.any(String));
      expect(caller.expiresAt.getTime() - Date.now()).toBeGreaterThan(890000);

      const jwks = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json?tenant_id=${directory.defaultTenant.id}`));
      const id = await jwtVerify(tokens.id_token, jwks, { issuer: issuerOf(PUBLIC_URL, directory.defaultTenant.id), audience: 'sigma-iam', typ: 'JWT' });
      expect(id.payload).toMatchObject({ sub: admin.claims.user_id, amr: ['pwd'], sid: caller.sessionId, email: admin.claims.email, name: 'Ada Lovelace' });
      expect((id.payload.exp ?? 0) - (id.payload.iat ?? 0)).toBe(600);
      const access = await jwtVerify(tokens.access_token, jwks, { typ: 'at+jwt', audience: API_AUDIENCE });
      expect(access.payload.jti).toEqual(expect.any(String));
      expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    });

    it("accepts seed 000's form with base64 credentials", async () => {
      const tokens = await login({ credentials: Buffer.from(`${admin.claims.username}:${PASSWORD}`).toString('base64') }, true);
      expect(tokens.user).toMatchObject({ id: admin.claims.user_id });
      await expect(verifier.verify(tokens.access_token)).resolves.toMatchObject({ userId: admin.claims.user_id });
    });

    it('signs in to the tenant named by tenant_id, with its own key and issuer', async () => {
      const tenant = directory.addTenant('acme', { access_token: 300, refresh_token: 3600, id_token: 300 });
      const user = directory.addUser('bob', PASSWORD, { tenant_id: tenant.id });
      const tokens = await login({ username: 'bob', password: PASSWORD, tenant_id: tenant.id, client_id: 'sigma-iam' });
      expect(tokens.expires_in).toBe(300);
      await expect(verifier.verify(tokens.access_token)).resolves.toMatchObject({ tenantId: tenant.id, userId: user.claims.user_id });
    });

    it('passes on the directory: 401 for a wrong password, 403 disabled, 429 locked with retry_after', async () => {
      const wrong = await sigmaError(await post('/api/v1/auth/login', { username: admin.claims.username, password: 'wrong password' }), 401, 'INVALID_CREDENTIALS');
      expect(JSON.stringify(wrong)).not.toContain('wrong password');
      directory.addUser('disabled', PASSWORD, {}, { refusal: { status: 403, code: 'INSUFFICIENT_PERMISSIONS' } });
      await sigmaError(await post('/api/v1/auth/login', { username: 'disabled', password: PASSWORD }), 403, 'INSUFFICIENT_PERMISSIONS');
      directory.addUser('locked', PASSWORD, {}, { refusal: { status: 429, code: 'RATE_LIMIT_EXCEEDED', retry_after: 30 } });
      const locked = await post('/api/v1/auth/login', { username: 'locked', password: PASSWORD });
      expect(locked.headers.get('retry-after')).toBe('30');
      expect((await sigmaError(locked, 429, 'RATE_LIMIT_EXCEEDED')).error.retry_after).toBe(30);
    });

    it.each([
      ['no password', { username: 'admin' }, 'password'],
      ['an unknown client', { username: 'a', password: 'b', client_id: 'someone-else' }, 'client_id'],
      ['a malformed tenant id', { username: 'a', password: 'b', tenant_id: 'acme' }, 'tenant_id'],
      ['an unknown field', { username: 'a', password: 'b', role: 'admin' }, 'role'],
      ['both shapes at once', { username: 'a', password: 'b', credentials: 'YTpi' }, 'credentials'],
      ['credentials that are not base64', { credentials: '%%%' }, 'credentials'],
      ['a number for a username', { username: 42, password: 'b' }, 'username'],
    ])('refuses %s as 400 VALIDATION_ERROR naming the field', async (_name, body, field) => {
      const error = await sigmaError(await post('/api/v1/auth/login', body), 400, 'VALIDATION_ERROR');
      expect(error.error.details.map((d) => d.field)).toContain(field);
    });

    it('refuses an empty body and a body of another media type as 400', async () => {
      await sigmaError(await fetch(`${base}/api/v1/auth/login`, { method: 'POST' }), 400, 'VALIDATION_ERROR');
      await sigmaError(await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'admin:pw' }), 400, 'VALIDATION_ERROR');
    });

    it('answers 503 when the directory is down', async () => {
      directory.down = true;
      await sigmaError(await post('/api/v1/auth/login', { username: admin.claims.username, password: PASSWORD }), 503, 'SERVICE_UNAVAILABLE');
    });
  });

  describe('MFA step', () => {
    let mfaUser: FakeAccount;
    beforeAll(() => {
      mfaUser = directory.addUser('mfa-user', PASSWORD, { mfa: { totp: true, webauthn: false } }, { totp: '123456', recoveryCodes: ['rc-aaaa-bbbb'] });
    });

    const begin = async (): Promise<string> => {
      const answer = await readJson<{ mfa_required: boolean; mfa_session_id: string }>(await post('/api/v1/auth/login', { username: 'mfa-user', password: PASSWORD }));
      expect(answer).toEqual({ mfa_required: true, mfa_session_id: expect.any(String) });
      return answer.mfa_session_id;
    };

    it('answers a pending login, finished once by the right TOTP code', async () => {
      const session = await begin();
      await sigmaError(await post('/api/v1/auth/mfa/verify', { mfa_session_id: session, totp_code: '000000' }), 401, 'INVALID_CREDENTIALS');
      const answer = await post('/api/v1/auth/mfa/verify', { mfa_session_id: session, totp_code: '123456' });
      expect(answer.status).toBe(200);
      const tokens = await readJson<Tokens>(answer);
      expect(tokens).toMatchObject({ token_type: 'Bearer', mfa_required: false, user: { id: mfaUser.claims.user_id } });
      const jwks = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
      expect((await jwtVerify(tokens.id_token, jwks, { audience: 'sigma-iam' })).payload.amr).toEqual(['pwd', 'otp', 'mfa']);
      await sigmaError(await post('/api/v1/auth/mfa/verify', { mfa_session_id: session, totp_code: '123456' }), 404, 'RESOURCE_NOT_FOUND');
      const rows = await db.query('SELECT id_hash FROM auth.mfa_sessions');
      expect(JSON.stringify(rows.rows)).not.toContain(session);
    });

    it('accepts a recovery code instead, and refuses both or neither', async () => {
      const session = await begin();
      await sigmaError(await post('/api/v1/auth/mfa/verify', { mfa_session_id: session }), 400, 'VALIDATION_ERROR');
      await sigmaError(await post('/api/v1/auth/mfa/verify', { mfa_session_id: session, totp_code: '123456', recovery_code: 'rc-aaaa-bbbb' }), 400, 'VALIDATION_ERROR');
      const answer = await post('/api/v1/auth/mfa/verify', { mfa_session_id: session, recovery_code: 'rc-aaaa-bbbb' });
      expect(answer.status).toBe(200);
    });

    it('drops a pending login after five wrong codes, and answers unknown ones 404', async () => {
      const session = await begin();
      for (let i = 0; i < 5; i++) await sigmaError(await post('/api/v1/auth/mfa/verify', { mfa_session_id: session, totp_code: '000000' }), 401, 'INVALID_CREDENTIALS');
      await sigmaError(await post('/api/v1/auth/mfa/verify', { mfa_session_id: session, totp_code: '123456' }), 404, 'RESOURCE_NOT_FOUND');
      await sigmaError(await post('/api/v1/auth/mfa/verify', { mfa_session_id: 'nope', totp_code: '123456' }), 404, 'RESOURCE_NOT_FOUND');
    });
  });

  describe('refresh and logout', () => {
    it('rotates: the new refresh token works, the spent one revokes the whole session', async () => {
      const first = await login();
      const refreshed = await post('/api/v1/auth/refresh', { refresh_token: first.refresh_token });
      expect(refreshed.status).toBe(200);
      expect(refreshed.headers.get('cache-control')).toBe('no-store');
      const second = await readJson<Tokens>(refreshed);
      expect(second).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'openid profile email' });
      expect(second.refresh_token).not.toBe(first.refresh_token);
      const sid = (await verifier.verify(first.access_token)).sessionId;
      expect((await verifier.verify(second.access_token)).sessionId).toBe(sid);

      const third = await readJson<Tokens>(await post('/api/v1/auth/refresh', { refresh_token: second.refresh_token }, true));
      // Replaying a spent token: refused, and the session's latest token stops working too.
      await sigmaError(await post('/api/v1/auth/refresh', { refresh_token: first.refresh_token }), 401, 'INVALID_TOKEN');
      await sigmaError(await post('/api/v1/auth/refresh', { refresh_token: third.refresh_token }), 401, 'INVALID_TOKEN');
      const family = await db.query('SELECT revoked_reason FROM auth.refresh_token_families WHERE id = $1', [sid]);
      expect(family.rows).toEqual([{ revoked_reason: 'refresh_token_reuse' }]);
      // session-service revoked the session (it publishes session.revoked).
      expect(sessions.revocations.filter((r) => r.sessionId === sid)).toEqual([{ sessionId: sid, reason: 'refresh_token_reuse' }]);
    });

    it('lets only one of two concurrent refreshes with one token through, and treats the other as reuse', async () => {
      const tokens = await login();
      const answers = await Promise.all([1, 2].map(() => post('/api/v1/auth/refresh', { refresh_token: tokens.refresh_token })));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
      const winner = await readJson<Tokens>(answers.find((a) => a.status === 200) as Response);
      await sigmaError(await post('/api/v1/auth/refresh', { refresh_token: winner.refresh_token }), 401, 'INVALID_TOKEN');
    });

    it('stores refresh tokens only as hashes', async () => {
      const tokens = await login();
      const rows = await db.query('SELECT token_hash FROM auth.refresh_tokens');
      expect(JSON.stringify(rows.rows)).not.toContain(tokens.refresh_token);
    });

    it('puts role changes into the refreshed tokens', async () => {
      const user = directory.addUser('carol', PASSWORD);
      const tokens = await login({ username: 'carol', password: PASSWORD });
      user.claims = { ...user.claims, roles: ['admin'], permissions: ['users:read'] };
      const refreshed = await readJson<Tokens>(await post('/api/v1/auth/refresh', { refresh_token: tokens.refresh_token, client_id: 'sigma-iam' }));
      await expect(verifier.verify(refreshed.access_token)).resolves.toMatchObject({ roles: ['admin'], permissions: ['users:read'] });
    });

    it('keeps the refresh token usable when the directory is down, and ends the session of a deleted user', async () => {
      const user = directory.addUser('dave', PASSWORD);
      const tokens = await login({ username: 'dave', password: PASSWORD });
      directory.down = true;
      await sigmaError(await post('/api/v1/auth/refresh', { refresh_token: tokens.refresh_token }), 503, 'SERVICE_UNAVAILABLE');
      directory.down = false;
      const next = await readJson<Tokens>(await post('/api/v1/auth/refresh', { refresh_token: tokens.refresh_token }));
      directory.accounts.splice(directory.accounts.indexOf(user), 1);
      await sigmaError(await post('/api/v1/auth/refresh', { refresh_token: next.refresh_token }), 401, 'INVALID_TOKEN');
    });

    it('refuses unknown tokens, other clients and malformed bodies', async () => {
      await sigmaError(await post('/api/v1/auth/refresh', { refresh_token: 'unknown' }), 401, 'INVALID_TOKEN');
      const tokens = await login();
      const other = await sigmaError(await post('/api/v1/auth/refresh', { refresh_token: tokens.refresh_token, client_id: 'other-app' }), 400, 'VALIDATION_ERROR');
      expect(other.error.details[0].field).toBe('client_id');
      await sigmaError(await post('/api/v1/auth/refresh', {}), 400, 'VALIDATION_ERROR');
      // The token survived the refused attempts.
      expect((await post('/api/v1/auth/refresh', { refresh_token: tokens.refresh_token })).status).toBe(200);
    });

    it('logs out: success, and no refresh token of the session works afterwards', async () => {
      const tokens = await login();
      const answer = await post('/api/v1/auth/logout', { refresh_token: tokens.refresh_token });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ success: true });
      await sigmaError(await post('/api/v1/auth/refresh', { refresh_token: tokens.refresh_token }), 401, 'INVALID_TOKEN');
      expect((await post('/api/v1/auth/logout', { refresh_token: tokens.refresh_token }, true)).status).toBe(200);
      await sigmaError(await post('/api/v1/auth/logout', { refresh_token: 'unknown' }), 401, 'INVALID_TOKEN');
      const sid = (await verifier.verify(tokens.access_token)).sessionId;
      expect(sessions.revocations.filter((r) => r.sessionId === sid)).toEqual([{ sessionId: sid, reason: 'logout' }]);
    });
  });

  describe('sessions at session-service', () => {
    it('creates the session of each login with its device, and stamps its id as sid', async () => {
      const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
      const answer = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': ua },
        body: JSON.stringify({ username: admin.claims.username, password: PASSWORD }),
      });
      const tokens = await readJson<Tokens>(answer);
      const sid = (await verifier.verify(tokens.access_token)).sessionId ?? '';
      expect(sessions.sessions.get(sid)?.created).toEqual({
        tenant_id: directory.defaultTenant.id,
        user_id: admin.claims.user_id,
        client_id: 'sigma-iam',
        user_email: admin.claims.email,
        ip_address: '127.0.0.1',
        user_agent: ua,
        remember_me: false,
        amr: ['pwd'],
      });
      const family = await db.query('SELECT id, user_id FROM auth.refresh_token_families WHERE id = $1', [sid]);
      expect(family.rows).toEqual([{ id: sid, user_id: admin.claims.user_id }]);
    });

    it('refuses the refresh of a session that ended at session-service, and ends the family', async () => {
      const tokens = await login();
      const sid = (await verifier.verify(tokens.access_token)).sessionId ?? '';
      sessions.end(sid, 'admin');
      await sigmaError(await post('/api/v1/auth/refresh', { refresh_token: tokens.refresh_token }), 401, 'INVALID_TOKEN');
      const family = await db.query('SELECT revoked_reason FROM auth.refresh_token_families WHERE id = $1', [sid]);
      expect(family.rows).toEqual([{ revoked_reason: 'session_ended' }]);
    });

    it('answers 503 without minting a token when session-service is down, and keeps the refresh token usable', async () => {
      const before = Number((await db.query('SELECT count(*) AS n FROM auth.refresh_token_families')).rows[0].n);
      const tokens = await login();
      sessions.down = true;
      const refused = await post('/api/v1/auth/login', { username: admin.claims.username, password: PASSWORD });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
      await sigmaError(await post('/api/v1/auth/refresh', { refresh_token: tokens.refresh_token }), 503, 'SERVICE_UNAVAILABLE');
      expect(Number((await db.query('SELECT count(*) AS n FROM auth.refresh_token_families')).rows[0].n)).toBe(before + 1);
      sessions.down = false;
      expect((await post('/api/v1/auth/refresh', { refresh_token: tokens.refresh_token })).status).toBe(200);
    });

    it('logs out while session-service is down: the family ends at once and the session revocation is delivered later', async () => {
      const tokens = await login();
      const sid = (await verifier.verify(tokens.access_token)).sessionId ?? '';
      sessions.down = true;
      expect((await post('/api/v1/auth/logout', { refresh_token: tokens.refresh_token })).status).toBe(200);
      const owed = await db.query('SELECT revoked_reason, session_revocation_pending FROM auth.refresh_token_families WHERE id = $1', [sid]);
      expect(owed.rows).toEqual([{ revoked_reason: 'logout', session_revocation_pending: true }]);
      sessions.down = false;
      await sigmaError(await post('/api/v1/auth/refresh', { refresh_token: tokens.refresh_token }), 401, 'INVALID_TOKEN');
      await eventually(async () => {
        const row = await db.query('SELECT session_revocation_pending FROM auth.refresh_token_families WHERE id = $1', [sid]);
        return row.rows[0].session_revocation_pending === false ? true : undefined;
      }, 30000);
      expect(sessions.revocations.filter((r) => r.sessionId === sid)).toEqual([{ sessionId: sid, reason: 'logout' }]);
    });
  });
});
