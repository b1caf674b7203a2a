import { AppProcess, DistributedSuite, eventually, freePort, readJson, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres, TestRedis } from '@sigma/shared/testing';
import { ACCESS_TOKEN_TYPE, accessTokenHash, API_AUDIENCE, issuerOf } from '@sigma/shared/util-auth';
import { SecretBox } from '@sigma/shared/util-crypto';
import { calculateJwkThumbprint, CryptoKey, exportJWK, generateKeyPair, importPKCS8, JWK, SignJWT } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';

jest.setTimeout(240000);

const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'e2e-bootstrap-password-1';
const ENCRYPTION_KEY = randomBytes(32).toString('hex');
const ALLOWED_ORIGIN = 'https://console.example.test';

interface Tokens {
  access_token: string;
  refresh_token: string;
  user: { id: string };
}
interface SigmaError {
  error: { code: string; message: string; request_id: string; retry_after?: number };
}

/**
 * The gateway's enforcement as a client meets it (issue 6): access tokens checked at the edge in
 * each family's body, DPoP-bound tokens, revocation over the real broker without a call to another
 * service, API.md's rate limits shared by two gateway processes over one redis-server.
 */
describe('gateway enforcement over real PostgreSQL, Kafka and Redis', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let redis: TestRedis;
  let suite: DistributedSuite;
  let second: AppProcess;
  /** A third replica without REDIS_URL: its counters are in its own memory (MemoryThrottlerStorage). */
  let alone: AppProcess;
  let db: Client;
  let gateway: string;
  let tenantId: string;
  let signingKey: { kid: string; key: CryptoKey };
  /** The admin's tokens from the start: login is limited to 5 a minute per address and username. */
  let adminTokens: Tokens;

  beforeAll(async () => {
    [postgres, kafka, redis] = await Promise.all([startTestPostgres(), TestKafka.start(), TestRedis.start()]);
    const env = { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD, SECRETS_ENCRYPTION_KEY: ENCRYPTION_KEY, RATE_LIMIT_FACTOR: '1', REDIS_URL: redis.url, CORS_ALLOWED_ORIGINS: ALLOWED_ORIGIN };
    suite = await startDistributedSuite(postgres.url, kafka.brokers, env);
    gateway = suite.gateway.url;
    // A second replica of the gateway, as a Deployment with two pods runs it.
    const replica = {
      ...process.env,
      ...env,
      LOG_LEVEL: 'warn',
      EVENT_TRANSPORT: 'kafka',
      KAFKA_BROKERS: kafka.brokers,
      PUBLIC_URL: gateway,
      AUTH_SERVER_URL: suite.services['auth-server'].url,
      USER_DIRECTORY_URL: suite.services['user-directory'].url,
      SESSION_SERVICE_URL: suite.services['session-service'].url,
      PRIVACY_WORKER_URL: suite.services['privacy-worker'].url,
    };
    second = new AppProcess('admin-gateway', await freePort(), replica);
    const { REDIS_URL: _shared, ...inMemory } = replica;
    alone = new AppProcess('admin-gateway', await freePort(), inMemory);
    await Promise.all([second.start(), alone.start()]);
    db = new Client({ connectionString: postgres.url });
    await db.connect();
    tenantId = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'")).rows[0].id;
    // The first login may outlast UPSTREAM_TIMEOUT_MS on a busy machine (the tenant's key is created).
    adminTokens = await eventually(async () => {
      const answer = await fetch(`${gateway}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ADMIN_EMAIL, password: ADMIN_PASSWORD }) });
      return answer.status === 200 ? readJson<Tokens>(answer) : undefined;
    }, 60000, 500);
    // The tenant's real private key (the test knows SECRETS_ENCRYPTION_KEY), to sign tokens auth-server would not.
    const row = (await db.query('SELECT kid, private_key_sealed FROM auth.signing_keys WHERE tenant_id = $1 AND retired_at IS NULL ORDER BY activated_at DESC LIMIT 1', [tenantId])).rows[0];
    const pkcs8 = SecretBox.fromEncodedKey(ENCRYPTION_KEY).open(row.private_key_sealed, `signing-key:${tenantId}:${row.kid}`).toString('utf8');
    signingKey = { kid: row.kid, key: await importPKCS8(pkcs8, 'ES256') };
  });

  afterAll(async () => {
    await db?.end();
    await second?.stop();
    await alone?.stop();
    await suite?.stop();
    await Promise.all([kafka?.destroy(), redis?.stop()]);
    await postgres?.stop();
  });

  async function login(username: string, password: string, at = gateway): Promise<Tokens> {
    const answer = await fetch(`${at}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    expect(answer.status).toBe(200);
    return readJson<Tokens>(answer);
  }

  const get = (path: string, headers: Record<string, string> = {}, at = gateway) => fetch(`${at}${path}`, { headers });

  /** A token signed with the tenant's real key; claims and header as the test says. */
  async function forge(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const admin = (await db.query('SELECT id FROM directory.users WHERE tenant_id = $1 AND email = $2', [tenantId, ADMIN_EMAIL])).rows[0].id;
    const payload = { iss: issuerOf(gateway, tenantId), aud: API_AUDIENCE, sub: admin, jti: randomUUID(), iat: now, exp: now + 300, tid: tenantId, client_id: 'sigma-iam', scope: 'openid', roles: ['super-admin'], permissions: ['*'], ...claims };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: signingKey.kid, typ: ACCESS_TOKEN_TYPE, ...header })
      .sign(signingKey.key);
  }

  const expectSigma401 = async (answer: Response, code: string): Promise<void> => {
    expect(answer.status).toBe(401);
    expect((await readJson<SigmaError>(answer)).error).toMatchObject({ code, message: expect.any(String), request_id: answer.headers.get('x-request-id') });
  };

  describe('access tokens at the edge', () => {
    it('lets a valid token through, with X-RateLimit headers', async () => {
      const { access_token } = adminTokens;
      const answer = await get('/api/v1/users?limit=1', { authorization: `Bearer ${access_token}` });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-ratelimit-limit')).toBe('1000');
      expect(Number(answer.headers.get('x-ratelimit-remaining'))).toBeLessThan(1000);
      expect(Number(answer.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    });

    it('answers no token 401 with a bare Bearer challenge', async () => {
      const answer = await get('/api/v1/users');
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="sigma-iam"');
      await expectSigma401(answer, 'AUTHENTICATION_REQUIRED');
    });

    it('refuses tampered, expired, wrong-issuer, wrong-audience, wrong-tenant, wrong-typ and alg none tokens in the family body', async () => {
      const valid = await forge();
      const [header, payload, signature] = valid.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, permissions: ['*', 'more'] })).toString('base64url')}.${signature}`;
      const otherTenant = randomUUID();
      await db.query("INSERT INTO directory.tenants (id, name, slug) VALUES ($1, 'Other', $2)", [otherTenant, `other-${otherTenant.slice(0, 8)}`]);
      const now = Math.floor(Date.now() / 1000);
      const cases: Array<[string, string, string]> = [
        ['tampered', tampered, 'INVALID_TOKEN'],
        ['expired', await forge({ exp: now - 600, iat: now - 1200 }), 'TOKEN_EXPIRED'],
        ['not yet valid', await forge({ nbf: now + 600 }), 'INVALID_TOKEN'],
        ['wrong issuer', await forge({ iss: 'https://evil.example/oauth/tenants/x' }), 'INVALID_TOKEN'],
        ['wrong audience', await forge({ aud: 'someone-else' }), 'INVALID_TOKEN'],
        ['wrong tenant', await forge({ tid: otherTenant, iss: issuerOf(gateway, otherTenant) }), 'INVALID_TOKEN'],
        ['wrong typ', await forge({}, { typ: 'JWT' }), 'INVALID_TOKEN'],
        ['alg none', `${Buffer.from(JSON.stringify({ alg: 'none', typ: ACCESS_TOKEN_TYPE })).toString('base64url')}.${payload}.`, 'INVALID_TOKEN'],
      ];
      expect((await get('/api/v1/users?limit=1', { authorization: `Bearer ${valid}` })).status).toBe(200);
      for (const [name, token, code] of cases) {
        const answer = await get('/api/v1/users?limit=1', { authorization: `Bearer ${token}` });
        expect([name, answer.status]).toEqual([name, 401]);
        expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
        expect([name, (await readJson<SigmaError>(answer)).error.code]).toEqual([name, code]);
      }
      const admin = await get('/api/admin/users', { authorization: `Bearer ${tampered}` });
      expect(admin.status).toBe(401);
      expect(await readJson<object>(admin)).toMatchObject({ success: false, code: 'INVALID_TOKEN', requestId: expect.any(String) });
      const oauth = await get('/identity/v2/sessions/active', { authorization: `Bearer ${tampered}` });
      expect(oauth.status).toBe(401);
      expect(await readJson<object>(oauth)).toEqual({ error: 'invalid_token', error_description: expect.any(String) });
    });
  });

  describe('DPoP-bound tokens', () => {
    let jwk: JWK;
    let privateKey: CryptoKey;
    let token: string;

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      privateKey = pair.privateKey;
      jwk = await exportJWK(pair.publicKey);
      token = await forge({ cnf: { jkt: await calculateJwkThumbprint(jwk) } });
    });

    const proof = (method: string, url: string, overrides: Record<string, unknown> = {}) =>
      new SignJWT({ htm: method, htu: url, ath: accessTokenHash(token), jti: randomUUID(), iat: Math.floor(Date.now() / 1000), ...overrides })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .sign(privateKey);

    it('passes with a fresh proof for this request, at the gateway and at the service', async () => {
      const answer = await get('/api/v1/me', { authorization: `DPoP ${token}`, dpop: await proof('GET', `${gateway}/api/v1/me`) });
      expect(answer.status).toBe(200);
    });

    it('refuses Bearer use, a missing proof, a replayed proof and a proof for another URL, method or key', async () => {
      const bearer = await get('/api/v1/me', { authorization: `Bearer ${token}` });
      await expectSigma401(bearer, 'INVALID_TOKEN');
      expect(bearer.headers.get('www-authenticate')).toMatch(/^DPoP /);

      const missing = await get('/api/v1/me', { authorization: `DPoP ${token}` });
      await expectSigma401(missing, 'INVALID_TOKEN');
      expect(missing.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');

      const once = await proof('GET', `${gateway}/api/v1/me`);
      expect((await get('/api/v1/me', { authorization: `DPoP ${token}`, dpop: once })).status).toBe(200);
      const replayed = await get('/api/v1/me', { authorization: `DPoP ${token}`, dpop: once });
      await expectSigma401(replayed, 'INVALID_TOKEN');
      expect(replayed.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');
      // Replayed at the other replica: the seen proof ids are shared through Redis.
      const elsewhere = await proof('GET', `${gateway}/api/v1/me`);
      expect((await get('/api/v1/me', { authorization: `DPoP ${token}`, dpop: elsewhere })).status).toBe(200);
      expect((await get('/api/v1/me', { authorization: `DPoP ${token}`, dpop: elsewhere }, second.url)).status).toBe(401);

      for (const dpop of [
        await proof('GET', `${gateway}/api/v1/users`),
        await proof('POST', `${gateway}/api/v1/me`),
        await proof('GET', `${gateway}/api/v1/me`, { ath: accessTokenHash('another token') }),
        await proof('GET', `${gateway}/api/v1/me`, { iat: Math.floor(Date.now() / 1000) - 3600 }),
      ]) {
        const answer = await get('/api/v1/me', { authorization: `DPoP ${token}`, dpop });
        await expectSigma401(answer, 'INVALID_TOKEN');
      }
      const unbound = await forge();
      await expectSigma401(await get('/api/v1/me', { authorization: `DPoP ${unbound}`, dpop: await proof('GET', `${gateway}/api/v1/me`) }), 'INVALID_TOKEN');
    });
  });

  describe('revocation in real time', () => {
    const jwksFetches = async (): Promise<number> => {
      const text = await (await fetch(`${suite.services['auth-server'].url}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith('http_requests_total') && line.includes('jwks'))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    };

    it('refuses the access token of a logged-out session, without asking another service', async () => {
      const tokens = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
      const bearer = { authorization: `Bearer ${tokens.access_token}` };
      expect((await get('/api/v1/me', bearer)).status).toBe(200);
      expect((await get('/api/v1/me', bearer, second.url)).status).toBe(200);
      const logout = await fetch(`${gateway}/api/v1/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: tokens.refresh_token }) });
      expect(logout.status).toBe(200);
      const before = await jwksFetches();
      // session-service away: the gateways decide from their deny-lists alone.
      const sessions = suite.services['session-service'];
      await sessions.stop();
      try {
        for (const at of [gateway, second.url]) {
          const refused = await eventually(async () => {
            const answer = await get('/api/v1/me', bearer, at);
            return answer.status === 401 ? answer : undefined;
          }, 15000, 50);
          expect((await readJson<SigmaError>(refused)).error).toMatchObject({ code: 'INVALID_TOKEN', message: 'the access token has been revoked' });
        }
        expect(await jwksFetches()).toBe(before);
      } finally {
        await sessions.start();
      }
    });

    it('refuses the session of a reused refresh token, and every token of a deleted user', async () => {
      const admin = adminTokens;
      const tokens = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
      const refreshed = await fetch(`${gateway}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: tokens.refresh_token }) });
      expect(refreshed.status).toBe(200);
      const reused = await fetch(`${gateway}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: tokens.refresh_token }) });
      expect(reused.status).toBe(401);
      await eventually(async () => ((await get('/api/v1/me', { authorization: `Bearer ${tokens.access_token}` })).status === 401 ? true : undefined), 15000, 50);

      const email = `gone-${randomUUID().slice(0, 8)}@example.test`;
      const created = await fetch(`${gateway}/api/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.access_token}` },
        body: JSON.stringify({ email, username: email, password: 'Gateway-e2e-Passw0rd!', first_name: 'Gone', last_name: 'User' }),
      });
      expect(created.status).toBe(201);
      const user = await login(email, 'Gateway-e2e-Passw0rd!');
      expect((await get('/api/v1/me', { authorization: `Bearer ${user.access_token}` })).status).toBe(200);
      const deleted = await fetch(`${gateway}/api/v1/users/${user.user.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin.access_token}` } });
      expect(deleted.status).toBe(204);
      const refused = await eventually(async () => {
        const answer = await get('/api/v1/me', { authorization: `Bearer ${user.access_token}` });
        return answer.status === 401 ? answer : undefined;
      }, 15000, 50);
      expect((await readJson<SigmaError>(refused)).error.message).toBe('the access token has been revoked');
    });
  });

  describe('rate limits', () => {
    const attempt = (username: string, at = gateway) =>
      fetch(`${at}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'not-the-password' }) });

    it('refuses the 6th login attempt for one username within a minute with 429, Retry-After and the Sigma body; another username is not affected', async () => {
      const username = `limited-${randomUUID().slice(0, 8)}@example.test`;
      for (let i = 0; i < 5; i += 1) {
        const answer = await attempt(username);
        expect(answer.status).toBe(401);
        expect(answer.headers.get('x-ratelimit-limit')).toBe('5');
        expect(answer.headers.get('x-ratelimit-remaining')).toBe(String(4 - i));
      }
      const limited = await attempt(username);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      const body = await readJson<SigmaError>(limited);
      expect(body.error).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', retry_after: Number(limited.headers.get('retry-after')) });
      expect((await attempt(`other-${username}`)).status).toBe(401);
    });

    it('shares one budget between two gateway processes over redis-server', async () => {
      const username = `shared-${randomUUID().slice(0, 8)}@example.test`;
      for (const at of [gateway, second.url, gateway, second.url, gateway]) expect((await attempt(username, at)).status).toBe(401);
      const limited = await attempt(username, second.url);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).not.toBeNull();
    });

    it("answers seed 003's routes over their limit in seed 003's 429 body", async () => {
      let limited: Response | undefined;
      for (let i = 0; i < 101 && !limited; i += 1) {
        const answer = await get('/api/users', { 'x-api-key': 'sk_not_a_real_key_0123456789' });
        if (answer.status === 429) limited = answer;
        else await answer.body?.cancel();
      }
      expect(limited?.status).toBe(429);
      expect(await limited?.json()).toEqual({ error: 'Rate limit exceeded', retry_after: Number(limited?.headers.get('retry-after')) });
    });

    /** A new tenant (the admin is a platform operator) with one API key for seed 003's routes. */
    async function tenantWithKey(name: string): Promise<{ id: string; apiKey: string }> {
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminTokens.access_token}` };
      const created = await fetch(`${gateway}/api/v1/tenants`, { method: 'POST', headers, body: JSON.stringify({ name: `${name} ${randomUUID().slice(0, 8)}` }) });
      expect(created.status).toBe(201);
      const { id } = await readJson<{ id: string }>(created);
      const key = await fetch(`${gateway}/api/v1/tenants/${id}/api-keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'e2e' }) });
      expect(key.status).toBe(201);
      return { id, apiKey: (await readJson<{ api_key: string }>(key)).api_key };
    }

    const rateHeaders = (answer: Response) => ({
      limit: answer.headers.get('x-ratelimit-limit'),
      remaining: answer.headers.get('x-ratelimit-remaining'),
      reset: Number(answer.headers.get('x-ratelimit-reset')),
    });

    // The Redis-backed replicas share counters; the third counts in its own memory: both must agree.
    describe.each([
      ['in Redis', () => gateway, true],
      ['in memory', () => alone.url, false],
    ])('with counters %s', (_backend, at, shared) => {
      it("applies a tenant's rate-limit override set with PATCH /api/v1/tenants/{id} to that tenant only", async () => {
        const limitedTenant = await tenantWithKey('Override');
        const otherTenant = await tenantWithKey('Default');
        const patched = await fetch(`${gateway}/api/v1/tenants/${limitedTenant.id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminTokens.access_token}` },
          body: JSON.stringify({ rate_limit: { requests_per_minute: 4, burst: 50 } }),
        });
        expect(patched.status).toBe(200);
        expect((await readJson<{ rate_limit: unknown }>(patched)).rate_limit).toEqual({ requests_per_minute: 4, burst: 50 });

        for (let i = 0; i < 4; i += 1) {
          const answer = await get('/api/users', { 'x-api-key': limitedTenant.apiKey }, at());
          expect(answer.status).toBe(200);
          await answer.body?.cancel();
          const headers = rateHeaders(answer);
          expect(headers).toMatchObject({ limit: '4', remaining: String(3 - i) });
          // The window slides: the budget is whole again a minute after this, the newest request.
          expect(headers.reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 55);
          expect(headers.reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 61);
        }
        const limited = await get('/api/users', { 'x-api-key': limitedTenant.apiKey }, at());
        expect(limited.status).toBe(429);
        const retryAfter = Number(limited.headers.get('retry-after'));
        // The oldest of the four frees its slot within the minute.
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(rateHeaders(limited)).toMatchObject({ limit: '4', remaining: '0' });
        expect(rateHeaders(limited).reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + retryAfter - 1);
        expect(await limited.json()).toEqual({ error: 'Rate limit exceeded', retry_after: retryAfter });

        // The other tenant, from the same address on the same route, keeps API.md's default.
        const other = await get('/api/users', { 'x-api-key': otherTenant.apiKey }, at());
        expect(other.status).toBe(200);
        await other.body?.cancel();
        expect(rateHeaders(other)).toMatchObject({ limit: '100', remaining: '99' });
        if (shared) {
          // The override is the tenant's, whichever replica sharing the counters answers.
          const atSecond = await get('/api/users', { 'x-api-key': limitedTenant.apiKey }, second.url);
          expect(atSecond.status).toBe(429);
          await atSecond.body?.cancel();
        }
      });

      it("refuses more than seed 003's burst of 10 within a second, inside the minute's budget, and lets the tenant on once the second has passed", async () => {
        const tenant = await tenantWithKey('Burst');
        const headers = { 'x-api-key': tenant.apiKey };
        // Twenty at once: whatever the machine's speed, no second may let more than ten through.
        const answers = await Promise.all(Array.from({ length: 20 }, () => get('/api/users', headers, at())));
        const allowed = answers.filter((a) => a.status === 200);
        const refused = answers.filter((a) => a.status === 429);
        expect(allowed.length + refused.length).toBe(20);
        expect(allowed.length).toBeLessThanOrEqual(10);
        expect(refused.length).toBeGreaterThanOrEqual(10);
        // Those let through count against the minute's 100, one each.
        expect(allowed.map((a) => Number(rateHeaders(a).remaining)).sort((a, b) => b - a)).toEqual(allowed.map((_, i) => 99 - i));
        expect(allowed.every((a) => rateHeaders(a).limit === '100')).toBe(true);
        for (const answer of refused) {
          // The burst, not the window: a second's wait is enough.
          expect(answer.headers.get('retry-after')).toBe('1');
          expect(rateHeaders(answer)).toMatchObject({ limit: '100', remaining: '0' });
          expect(await answer.json()).toEqual({ error: 'Rate limit exceeded', retry_after: 1 });
        }
        await Promise.all(allowed.map((a) => a.body?.cancel()));

        const after = await eventually(async () => {
          const answer = await get('/api/users', headers, at());
          await answer.body?.cancel();
          return answer.status === 200 ? answer : undefined;
        }, 10000, 250);
        // The refused requests were not counted: the minute's budget goes on from the allowed ones.
        expect(rateHeaders(after)).toMatchObject({ limit: '100', remaining: String(99 - allowed.length) });
      });
    });
  });

  describe('versioning, CORS and metrics', () => {
    it('answers an unknown vendor version 406 and serves version 1', async () => {
      const { access_token } = adminTokens;
      const v2 = await get('/api/v1/me', { authorization: `Bearer ${access_token}`, accept: 'application/vnd.sigma-iam.v2+json' });
      expect(v2.status).toBe(406);
      expect((await readJson<SigmaError>(v2)).error.code).toBe('NOT_ACCEPTABLE');
      expect((await get('/api/v1/me', { authorization: `Bearer ${access_token}`, accept: 'application/vnd.sigma-iam.v1+json' })).status).toBe(200);
    });

    it('admits configured origins by CORS and not others', async () => {
      const preflight = (origin: string) => fetch(`${gateway}/api/v1/users`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      const allowed = await preflight(ALLOWED_ORIGIN);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(allowed.headers.get('access-control-allow-headers')).toContain('DPoP');
      const other = await preflight('https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });

    it("admits the origins of registered applications (allowed origins and redirect URIs), read from auth-server's registry", async () => {
      const created = await fetch(`${gateway}/api/v1/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminTokens.access_token}` },
        body: JSON.stringify({ client_name: 'CORS app', client_type: 'public', redirect_uris: ['https://spa.example.test/callback'], allowed_origins: ['https://other-spa.example.test'], allowed_grant_types: ['authorization_code'] }),
      });
      expect(created.status).toBe(201);
      const list = await readJson<{ origins: string[] }>(await fetch(`${suite.services['auth-server'].url}/internal/v1/allowed-origins`));
      expect(list.origins).toEqual(expect.arrayContaining(['https://spa.example.test', 'https://other-spa.example.test']));
      // The second replica has not looked the origins up yet: its first lookup reads the registry.
      for (const origin of ['https://spa.example.test', 'https://other-spa.example.test']) {
        const answer = await fetch(`${second.url}/api/v1/users?limit=1`, { headers: { origin, authorization: `Bearer ${adminTokens.access_token}` } });
        expect(answer.status).toBe(200);
        expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
        expect(answer.headers.get('vary')).toContain('Origin');
      }
    });

    it('counts its decisions in Prometheus metrics', async () => {
      const text = await (await fetch(`${gateway}/metrics`)).text();
      expect(text).toMatch(/iam_gateway_decisions_total\{decision="allowed",reason="default",service="admin-gateway"\} \d+/);
      expect(text).toMatch(/iam_gateway_decisions_total\{decision="limited",reason="login.window",service="admin-gateway"\} [1-9]/);
      expect(text).toMatch(/iam_gateway_decisions_total\{decision="rejected",reason="session_revoked",service="admin-gateway"\} [1-9]/);
      expect(text).toMatch(/iam_gateway_decisions_total\{decision="rejected",reason="dpop_proof_replayed",service="admin-gateway"\} [1-9]/);
      expect(text).toMatch(/iam_gateway_revocations_total\{source="event",kind="session",service="admin-gateway"\} [1-9]/);
    });
  });
});
