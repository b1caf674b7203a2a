import { DistributedSuite, launchTestBrowser, startDistributedSuite, startTestPostgres, TestBrowser, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { AccessTokenVerifier } from '@sigma/shared/util-auth';
import { decodeJwt } from 'jose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Page } from 'playwright-core';
import { SoftwareAuthenticator } from './support/software-authenticator';

jest.setTimeout(240000);

const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'e2e-bootstrap-password-1';
const PASSWORD = 'Vx9!kq2#Lm-e2e-orbit';
const CALLBACK = 'https://app.example.test/callback';

interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}
interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  mfa_required: boolean;
  user: { id: string; username: string; tenant_id: string };
}
interface CreationOptions {
  challenge: string;
  rp: { name: string; id: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: Array<{ alg: number; type: string }>;
  authenticatorSelection: Record<string, unknown>;
  timeout: number;
  excludeCredentials: Array<{ id: string; type: string }>;
}
interface RequestOptions {
  challenge: string;
  timeout: number;
  rpId: string;
  allowCredentials?: Array<{ id: string; type: string; transports?: string[] }>;
  userVerification: string;
}

/** The WebAuthn user handle the suite gives a user: the 16 bytes of its id, base64url. */
const userHandleOf = (userId: string): string => Buffer.from(userId.replace(/-/g, ''), 'hex').toString('base64url');
const challengeHashOf = (challenge: string): string => createHash('sha256').update(challenge, 'utf8').digest('hex');

/**
 * Passkeys (seed 001's /webauthn routes) as users and clients meet them: headless Chromium with a
 * virtual authenticator on the suite's own passkeys page, and a software authenticator for the
 * answers a browser would never send, all through the gateway of the distributed topology over
 * real PostgreSQL and Kafka. The gateway is reached as `localhost` (PUBLIC_URL), the RP ID.
 */
describe('passkeys (WebAuthn) through the gateway', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let db: Client;
  let gateway: string;
  let publicUrl: string;
  let verifier: AccessTokenVerifier;
  let operator: string;
  let defaultTenantId: string;

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD }, { publicHost: 'localhost' });
    gateway = suite.gateway.url;
    publicUrl = gateway.replace('127.0.0.1', 'localhost');
    db = new Client({ connectionString: postgres.url });
    await db.connect();
    defaultTenantId = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'")).rows[0].id;
    verifier = new AccessTokenVerifier({ publicUrl, jwksUrl: (tenantId) => `${gateway}/.well-known/jwks.json?tenant_id=${tenantId}` });
    operator = (await login(ADMIN_EMAIL, ADMIN_PASSWORD)).access_token;
  });

  afterAll(async () => {
    await db?.end();
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  async function call<T = Record<string, unknown>>(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${gateway}${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }

  async function login(username: string, password: string, tenantId?: string): Promise<Tokens> {
    const answer = await call<Tokens>('POST', '/api/v1/auth/login', { body: { username, password, ...(tenantId ? { tenant_id: tenantId } : {}) } });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  async function createUser(label: string, tenantId?: string): Promise<{ id: string; email: string; username: string; token: string }> {
    const email = `${label}-${randomUUID().slice(0, 8)}@example.test`;
    const created = await call<{ id: string; username: string }>('POST', '/api/v1/users', { token: operator, body: { email, password: PASSWORD, first_name: 'Pat', last_name: 'Key', ...(tenantId ? { tenant_id: tenantId } : {}) } });
    expect(created.status).toBe(201);
    return { id: created.body.id, email, username: created.body.username, token: (await login(email, PASSWORD, tenantId)).access_token };
  }

  function expectOAuthError(answer: Answer<unknown>, status: number, error: string): void {
    expect({ status: answer.status, body: answer.body }).toEqual({ status, body: { error, error_description: expect.any(String) } });
  }

  const count = async (sql: string, params: unknown[]): Promise<number> => (await db.query<{ n: number }>(sql, params)).rows[0].n;
  const storedCounter = async (credentialId: string): Promise<number> => Number((await db.query('SELECT counter FROM directory.webauthn_credentials WHERE id = $1', [credentialId])).rows[0].counter);
  const ceremony = (challenge: string, origin = publicUrl) => ({ challenge, origin, rpId: 'localhost' });

  async function registrationOptions(token: string, query = ''): Promise<CreationOptions> {
    const answer = await call<CreationOptions>('GET', `/webauthn/registration/options${query}`, { token });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  async function registerSoftwarePasskey(user: { email: string; token: string }): Promise<SoftwareAuthenticator> {
    const options = await registrationOptions(user.token, `?username=${encodeURIComponent(user.email)}`);
    const authenticator = new SoftwareAuthenticator();
    const answer = await call('POST', '/webauthn/registration/verification', {
      token: user.token,
      headers: { 'webauthn-challenge': options.challenge },
      body: authenticator.registration(ceremony(options.challenge)),
    });
    expect(answer.status).toBe(200);
    return authenticator;
  }

  async function assertionOptions(body: Record<string, string>): Promise<RequestOptions> {
    const answer = await call<RequestOptions>('POST', '/webauthn/assertion/options', { body });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  describe('in Chromium, with a virtual authenticator, on the passkeys page', () => {
    let browser: TestBrowser;
    let page: Page;
    let user: { id: string; email: string; username: string; token: string };

    afterAll(async () => {
      await browser?.close();
    });

    it('adds a passkey for the signed-in user, then signs in with it, with a username and without (discoverable)', async () => {
      user = await createUser('browser');
      browser = await launchTestBrowser();
      page = await browser.context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('WebAuthn.enable', { enableUI: false });
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });

      const loaded = await page.goto(`${publicUrl}/webauthn/passkeys`);
      expect(loaded?.status()).toBe(200);
      expect(loaded?.headers()['content-security-policy']).toContain("script-src 'self'");
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Passkeys');

      // Sign in with the password, then add a passkey to that account.
      await page.getByLabel('Username or email', { exact: true }).fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in with password' }).click();
      await page.getByRole('status').getByText(`Signed in as ${user.username} with a password.`).waitFor();
      const [registered] = await Promise.all([
        page.waitForResponse((response) => response.url().endsWith('/webauthn/registration/verification')),
        page.getByRole('button', { name: 'Add a passkey' }).click(),
      ]);
      expect(registered.status()).toBe(200);
      await page.getByRole('status').getByText('Passkey added. You can now sign in with it.').waitFor();

      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      expect(credentials).toHaveLength(1);
      const credentialId = Buffer.from(credentials[0].credentialId, 'base64').toString('base64url');
      expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
      expect(Buffer.from(credentials[0].userHandle ?? '', 'base64').toString('base64url')).toBe(userHandleOf(user.id));
      const stored = await db.query('SELECT user_id, tenant_id, transports FROM directory.webauthn_credentials WHERE id = $1', [credentialId]);
      expect(stored.rows).toEqual([{ user_id: user.id, tenant_id: defaultTenantId, transports: ['internal'] }]);

      // A fresh page knows nobody; the passkey signs the user in, named by username.
      await page.reload();
      await page.getByLabel(/^Username or email \(optional/).fill(user.email);
      const [withUsername] = await Promise.all([
        page.waitForResponse((response) => response.url().endsWith('/webauthn/assertion/result')),
        page.getByRole('button', { name: 'Sign in with a passkey' }).click(),
      ]);
      expect(withUsername.status()).toBe(200);
      const tokens = (await withUsername.json()) as Tokens;
      expect(tokens).toMatchObject({ token_type: 'Bearer', mfa_required: false, scope: 'openid profile email', user: { id: user.id, username: user.username } });
      await page.getByRole('status').getByText(`Signed in as ${user.username} with a passkey.`).waitFor();
      const caller = await verifier.verify(tokens.access_token);
      expect(caller).toMatchObject({ userId: user.id, tenantId: defaultTenantId, clientId: 'sigma-iam' });
      expect(decodeJwt(tokens.id_token)).toMatchObject({ sub: user.id, amr: ['hwk', 'mfa'] });
      const afterFirst = await storedCounter(credentialId);

      // Without a username the authenticator offers its discoverable passkey; the counter moves on.
      await page.reload();
      const [discoverable] = await Promise.all([
        page.waitForResponse((response) => response.url().endsWith('/webauthn/assertion/result')),
        page.getByRole('button', { name: 'Sign in with a passkey' }).click(),
      ]);
      expect(discoverable.status()).toBe(200);
      expect(((await discoverable.json()) as Tokens).user.id).toBe(user.id);
      await page.getByRole('status').getByText(`Signed in as ${user.username} with a passkey.`).waitFor();
      const { credentials: after } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      expect(await storedCounter(credentialId)).toBe(after[0].signCount);
      expect(after[0].signCount).toBeGreaterThan(afterFirst);
      expect((await db.query('SELECT last_login FROM directory.users WHERE id = $1', [user.id])).rows[0].last_login).not.toBeNull();
      expect(problems).toEqual([]);
    });

    it("signs in with the passkey from the authorization endpoint's login page: the client gets a code, its tokens say hwk and mfa", async () => {
      const client = await call<{ client_id: string; client_secret: string }>('POST', '/api/v1/applications', {
        token: operator,
        body: { client_name: `Passkey app ${randomUUID().slice(0, 6)}`, redirect_uris: [CALLBACK], first_party: true },
      });
      expect(client.status).toBe(201);
      const verifier = randomBytes(32).toString('base64url');
      const params = new URLSearchParams({
        response_type: 'code',
        client_id: client.body.client_id,
        redirect_uri: CALLBACK,
        scope: 'openid profile',
        state: 'passkey-state',
        nonce: 'passkey-nonce',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      });
      // The client's callback is not a real site: the browser's request to it is answered here.
      await page.route(`${CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'callback' }));
      await page.goto(`${publicUrl}/oauth/authorize?${params.toString()}`);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.waitForURL((url) => url.pathname === '/webauthn/login');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in with a passkey');
      const [callback] = await Promise.all([
        page.waitForRequest((request) => request.url().startsWith(CALLBACK)),
        page.getByRole('button', { name: 'Sign in with a passkey' }).click(),
      ]);
      const answer = new URL(callback.url());
      expect(answer.searchParams.get('state')).toBe('passkey-state');
      expect(answer.searchParams.get('iss')).toEqual(expect.stringContaining(publicUrl));
      const tokens = await fetch(`${gateway}/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.body.client_id}:${client.body.client_secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: answer.searchParams.get('code') ?? '', code_verifier: verifier, redirect_uri: CALLBACK }).toString(),
      });
      expect(tokens.status).toBe(200);
      const { id_token: idToken } = (await tokens.json()) as { id_token: string };
      expect(decodeJwt(idToken)).toMatchObject({ sub: user.id, aud: client.body.client_id, nonce: 'passkey-nonce', amr: ['hwk', 'mfa'] });
    });
  });

  describe('the passkey step of the login page (/webauthn/login)', () => {
    it('answers an unknown login_challenge, a missing CSRF token and a credential that is not one with a page, never tokens', async () => {
      const client = await call<{ client_id: string }>('POST', '/api/v1/applications', { token: operator, body: { client_name: `Step app ${randomUUID().slice(0, 6)}`, redirect_uris: [CALLBACK] } });
      expect(client.status).toBe(201);
      const params = new URLSearchParams({ response_type: 'code', client_id: client.body.client_id, redirect_uri: CALLBACK, scope: 'openid', code_challenge: createHash('sha256').update('v').digest('base64url'), code_challenge_method: 'S256' });
      const authorize = await fetch(`${gateway}/oauth/authorize?${params.toString()}`, { redirect: 'manual' });
      const loginChallenge = new URL(authorize.headers.get('location') ?? '', gateway).searchParams.get('login_challenge') ?? '';
      expect(loginChallenge).not.toBe('');

      expect((await fetch(`${gateway}/webauthn/login?login_challenge=unknown`)).status).toBe(400);
      const page = await fetch(`${gateway}/webauthn/login?login_challenge=${encodeURIComponent(loginChallenge)}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('content-security-policy')).toContain("form-action 'self' https://app.example.test");
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
      const csrfToken = /name="csrf_token" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      const submit = (form: Record<string, string>) =>
        fetch(`${gateway}/webauthn/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams(form).toString() });
      const options = await assertionOptions({});
      const forged = new SoftwareAuthenticator().assertion(ceremony(options.challenge), 1);
      const noCsrf = await submit({ login_challenge: loginChallenge, challenge: options.challenge, credential: JSON.stringify(forged) });
      expect(noCsrf.status).toBe(403);
      const notACredential = await submit({ login_challenge: loginChallenge, csrf_token: csrfToken, challenge: options.challenge, credential: '{"id":"x"}' });
      expect(notACredential.status).toBe(400);
      expect(await notACredential.text()).toContain('The passkey was not accepted');
      const unknown = await submit({ login_challenge: loginChallenge, csrf_token: csrfToken, challenge: options.challenge, credential: JSON.stringify(forged) });
      expect(unknown.status).toBe(401);
      expect(unknown.headers.get('location')).toBeNull();
      expect(unknown.headers.get('set-cookie') ?? '').not.toContain('session');
    });
  });

  it("documents seed 001's four routes in the merged OpenAPI document, and not the passkeys page", async () => {
    const answer = await call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/v1/openapi.json');
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body.paths['/webauthn/registration/options'] ?? {})).toEqual(['get']);
    for (const path of ['/webauthn/registration/verification', '/webauthn/assertion/options', '/webauthn/assertion/result']) expect(Object.keys(answer.body.paths[path] ?? {})).toEqual(['post']);
    expect(answer.body.paths['/webauthn/passkeys']).toBeUndefined();
  });

  describe('GET /webauthn/registration/options', () => {
    it("answers seed 001's shape to the signed-in user, for their own username or email", async () => {
      const user = await createUser('options');
      const answer = await call<CreationOptions>('GET', `/webauthn/registration/options?username=${encodeURIComponent(user.email.toUpperCase())}&tenant_id=${defaultTenantId}`, {
        token: user.token,
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toMatchObject({
        challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        rp: { name: 'Sigma IAM', id: 'localhost' },
        user: { id: userHandleOf(user.id), name: user.email, displayName: 'Pat Key' },
        pubKeyCredParams: [
          { alg: -7, type: 'public-key' },
          { alg: -257, type: 'public-key' },
        ],
        authenticatorSelection: { authenticatorAttachment: 'platform', userVerification: 'required' },
        timeout: 60000,
        excludeCredentials: [],
      });
      expect(await count('SELECT count(*)::int AS n FROM auth.webauthn_challenges WHERE challenge_hash = $1 AND user_id = $2', [challengeHashOf(answer.body.challenge), user.id])).toBe(1);
      // The passkeys a user has are excluded, so an authenticator does not register twice.
      const authenticator = await registerSoftwarePasskey(user);
      expect((await registrationOptions(user.token)).excludeCredentials).toEqual([{ id: authenticator.credentialId, type: 'public-key', transports: ['internal'] }]);
    });

    it('needs a bearer token of the user named: 401 without one, 403 for another user or tenant, nothing stored', async () => {
      const user = await createUser('owner');
      const other = await createUser('other');
      const before = await count('SELECT count(*)::int AS n FROM auth.webauthn_challenges', []);
      expectOAuthError(await call('GET', `/webauthn/registration/options?username=${encodeURIComponent(user.email)}&tenant_id=${defaultTenantId}`), 401, 'invalid_token');
      expectOAuthError(await call('GET', `/webauthn/registration/options?username=${encodeURIComponent(user.email)}`, { token: other.token }), 403, 'access_denied');
      expectOAuthError(await call('GET', `/webauthn/registration/options?tenant_id=${randomUUID()}`, { token: user.token }), 403, 'access_denied');
      expectOAuthError(await call('GET', '/webauthn/registration/options?tenant_id=default', { token: user.token }), 400, 'invalid_request');
      expect(await count('SELECT count(*)::int AS n FROM auth.webauthn_challenges', [])).toBe(before);
    });
  });

  describe('POST /webauthn/registration/verification', () => {
    it('stores the passkey once; refuses another user, a used challenge, a wrong origin, no user verification and a second registration', async () => {
      const user = await createUser('register');
      const other = await createUser('intruder');
      const authenticator = new SoftwareAuthenticator();
      const verify = (token: string, challenge: string | undefined, body: unknown) =>
        call<Record<string, unknown>>('POST', '/webauthn/registration/verification', { token, headers: challenge === undefined ? {} : { 'webauthn-challenge': challenge }, body });
      const stored = () => count('SELECT count(*)::int AS n FROM directory.webauthn_credentials WHERE user_id = $1', [user.id]);

      // Another signed-in user cannot complete this user's ceremony (and uses the challenge up trying).
      let options = await registrationOptions(user.token);
      expectOAuthError(await verify(other.token, options.challenge, authenticator.registration(ceremony(options.challenge))), 400, 'invalid_request');
      expectOAuthError(await verify(user.token, options.challenge, authenticator.registration(ceremony(options.challenge))), 400, 'invalid_request');

      options = await registrationOptions(user.token);
      expectOAuthError(await verify(user.token, options.challenge, authenticator.registration(ceremony(options.challenge, 'https://evil.example'))), 400, 'invalid_request');
      options = await registrationOptions(user.token);
      expectOAuthError(await verify(user.token, options.challenge, authenticator.registration(ceremony(options.challenge), { userVerified: false })), 400, 'invalid_request');
      options = await registrationOptions(user.token);
      expectOAuthError(await verify(user.token, undefined, authenticator.registration(ceremony(options.challenge))), 400, 'invalid_request');
      expectOAuthError(await verify(user.token, options.challenge, { id: authenticator.credentialId, type: 'public-key' }), 400, 'invalid_request');
      expectOAuthError(await verify(user.token, options.challenge, { ...authenticator.registration(ceremony(options.challenge)), userId: other.id }), 403, 'access_denied');
      expect(await stored()).toBe(0);

      options = await registrationOptions(user.token);
      const body = authenticator.registration(ceremony(options.challenge));
      const accepted = await verify(user.token, options.challenge, { ...body, userId: user.id });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({
        verified: true,
        credential: { id: authenticator.credentialId, device_type: 'singleDevice', backed_up: false, transports: ['internal'], created_at: expect.any(String) },
      });
      expectOAuthError(await verify(user.token, options.challenge, body), 400, 'invalid_request');
      options = await registrationOptions(user.token);
      expectOAuthError(await verify(user.token, options.challenge, authenticator.registration(ceremony(options.challenge))), 409, 'conflict');
      expect(await stored()).toBe(1);
    });
  });

  describe('GET and DELETE /webauthn/credentials (the owner\'s passkeys)', () => {
    it('lists and removes only the signed-in user\'s passkeys; a removed passkey signs nobody in', async () => {
      const user = await createUser('owner-list');
      const other = await createUser('owner-other');
      const authenticator = await registerSoftwarePasskey(user);
      const listed = await call<{ credentials: Array<Record<string, unknown>> }>('GET', '/webauthn/credentials', { token: user.token });
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual({
        credentials: [{ id: authenticator.credentialId, device_type: 'singleDevice', backed_up: false, transports: ['internal'], created_at: expect.any(String), last_used_at: null }],
      });
      expect((await call<{ credentials: unknown[] }>('GET', '/webauthn/credentials', { token: other.token })).body.credentials).toEqual([]);
      expectOAuthError(await call('GET', '/webauthn/credentials'), 401, 'invalid_token');
      expectOAuthError(await call('DELETE', `/webauthn/credentials/${authenticator.credentialId}`), 401, 'invalid_token');
      expectOAuthError(await call('DELETE', `/webauthn/credentials/${authenticator.credentialId}`, { token: other.token }), 404, 'not_found');
      expect(await count('SELECT count(*)::int AS n FROM directory.webauthn_credentials WHERE id = $1', [authenticator.credentialId])).toBe(1);

      const removed = await call('DELETE', `/webauthn/credentials/${authenticator.credentialId}`, { token: user.token });
      expect(removed.status).toBe(204);
      expect((await call<{ credentials: unknown[] }>('GET', '/webauthn/credentials', { token: user.token })).body.credentials).toEqual([]);
      const options = await assertionOptions({ username: user.email });
      expectOAuthError(
        await call('POST', '/webauthn/assertion/result', { headers: { 'webauthn-challenge': options.challenge }, body: authenticator.assertion(ceremony(options.challenge), 1) }),
        401,
        'access_denied',
      );
    });
  });

  describe('POST /webauthn/assertion/options and /webauthn/assertion/result', () => {
    it("signs in with seed 001's shapes and answers the login's tokens", async () => {
      const user = await createUser('signin');
      const authenticator = await registerSoftwarePasskey(user);
      const options = await assertionOptions({ username: user.email, tenant_id: defaultTenantId });
      expect(options).toEqual({
        challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        timeout: 60000,
        rpId: 'localhost',
        allowCredentials: [{ id: authenticator.credentialId, type: 'public-key', transports: ['internal'] }],
        userVerification: 'required',
      });
      const answer = await call<Tokens>('POST', '/webauthn/assertion/result', {
        headers: { 'webauthn-challenge': options.challenge },
        body: authenticator.assertion(ceremony(options.challenge), 1, { userHandle: userHandleOf(user.id) }),
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'openid profile email', mfa_required: false, refresh_token: expect.any(String), user: { id: user.id } });
      expect(await verifier.verify(answer.body.access_token)).toMatchObject({ userId: user.id, tenantId: defaultTenantId });
      expect(await storedCounter(authenticator.credentialId)).toBe(1);
      // The refresh token of a passkey sign-in rotates like any other.
      const refreshed = await call<Tokens>('POST', '/api/v1/auth/refresh', { body: { refresh_token: answer.body.refresh_token } });
      expect(refreshed.status).toBe(200);
    });

    it('refuses replayed and expired challenges, wrong origins, unknown credentials, other users, other tenants and counter regressions, changing nothing', async () => {
      const user = await createUser('negative');
      const other = await createUser('bystander');
      const authenticator = await registerSoftwarePasskey(user);
      const result = (challenge: string | undefined, body: unknown) =>
        call('POST', '/webauthn/assertion/result', { headers: challenge === undefined ? {} : { 'webauthn-challenge': challenge }, body });

      let options = await assertionOptions({ username: user.email });
      const first = authenticator.assertion(ceremony(options.challenge), 5);
      expect((await result(options.challenge, first)).status).toBe(200);
      // Replayed: the challenge was used.
      expectOAuthError(await result(options.challenge, first), 400, 'invalid_request');

      // Expired: past its lifetime the challenge is refused, and gone.
      options = await assertionOptions({ username: user.email });
      await db.query("UPDATE auth.webauthn_challenges SET expires_at = now() - interval '1 second' WHERE challenge_hash = $1", [challengeHashOf(options.challenge)]);
      expectOAuthError(await result(options.challenge, authenticator.assertion(ceremony(options.challenge), 6)), 400, 'invalid_request');
      expect(await count('SELECT count(*)::int AS n FROM auth.webauthn_challenges WHERE challenge_hash = $1', [challengeHashOf(options.challenge)])).toBe(0);

      // Never issued, missing, or a body that is not a credential.
      expectOAuthError(await result('bm90LWEtcmVhbC1jaGFsbGVuZ2UtYXQtYWxs', authenticator.assertion(ceremony('bm90LWEtcmVhbC1jaGFsbGVuZ2UtYXQtYWxs'), 6)), 400, 'invalid_request');
      options = await assertionOptions({ username: user.email });
      expectOAuthError(await result(undefined, authenticator.assertion(ceremony(options.challenge), 6)), 400, 'invalid_request');
      expectOAuthError(await result(options.challenge, { id: authenticator.credentialId, type: 'public-key', response: { signature: 'x' } }), 400, 'invalid_request');

      const refusals: Array<[string, (challenge: string) => unknown, Record<string, string>]> = [
        ['wrong origin', (challenge) => authenticator.assertion(ceremony(challenge, 'https://evil.example'), 7), { username: user.email }],
        ['wrong RP ID', (challenge) => authenticator.assertion({ ...ceremony(challenge), rpId: 'evil.example' }, 7), { username: user.email }],
        ['unknown credential', (challenge) => new SoftwareAuthenticator().assertion(ceremony(challenge), 7), {}],
        ['options named another user', (challenge) => authenticator.assertion(ceremony(challenge), 7), { username: other.email }],
        ['user handle of another user', (challenge) => authenticator.assertion(ceremony(challenge), 7, { userHandle: userHandleOf(other.id) }), {}],
        ['counter did not increase', (challenge) => authenticator.assertion(ceremony(challenge), 5), { username: user.email }],
        ['counter went back', (challenge) => authenticator.assertion(ceremony(challenge), 2), {}],
      ];
      for (const [, answerOf, request] of refusals) {
        options = await assertionOptions(request);
        expectOAuthError(await result(options.challenge, answerOf(options.challenge)), 401, 'access_denied');
      }
      // Tenant isolation: another tenant's ceremony does not know this tenant's passkeys.
      const tenant = await call<{ id: string }>('POST', '/api/v1/tenants', { token: operator, body: { name: `Passkeys ${randomUUID().slice(0, 6)}` } });
      expect(tenant.status).toBe(201);
      options = await assertionOptions({ tenant_id: tenant.body.id });
      expectOAuthError(await result(options.challenge, authenticator.assertion(ceremony(options.challenge), 7)), 401, 'access_denied');
      expect(await storedCounter(authenticator.credentialId)).toBe(5);

      // The passkey still works with a higher counter.
      options = await assertionOptions({ username: user.email });
      expect((await result(options.challenge, authenticator.assertion(ceremony(options.challenge), 8))).status).toBe(200);
      expect(await storedCounter(authenticator.credentialId)).toBe(8);
    });

    it('answers a username without passkeys and an unknown username alike: one stable decoy credential', async () => {
      const user = await createUser('nopasskey');
      const unknown = `nobody-${randomUUID().slice(0, 8)}@example.test`;
      const decoyOf = async (username: string) => (await assertionOptions({ username })).allowCredentials ?? [];
      const [known, knownAgain, missing, missingAgain] = [await decoyOf(user.email), await decoyOf(user.email), await decoyOf(unknown), await decoyOf(unknown)];
      expect(known).toEqual(knownAgain);
      expect(missing).toEqual(missingAgain);
      for (const list of [known, missing]) expect(list).toEqual([{ id: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), type: 'public-key', transports: ['internal', 'hybrid'] }]);
      expect(known[0].id).not.toBe(missing[0].id);
      expectOAuthError(await call('POST', '/webauthn/assertion/options', { body: { tenant_id: randomUUID() } }), 404, 'invalid_request');
      expectOAuthError(await call('POST', '/webauthn/assertion/options', { body: { username: 42 } }), 400, 'invalid_request');
      expectOAuthError(await call('POST', '/webauthn/assertion/options', { body: { client_id: 'someone-else' } }), 400, 'invalid_request');
    });
  });
});
