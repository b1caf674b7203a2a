import { IAMError, MemoryTokenStorage, SigmaIAM } from '@sigma/sdk/iam-js';
import { DistributedSuite, freePort, launchTestBrowser, startDistributedSuite, startTestPostgres, TestBrowser, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { Client } from 'pg';

jest.setTimeout(240000);

const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'e2e-bootstrap-password-1';
const USER_PASSWORD = 'Sdk-e2e-password-1!';

/** Flips one character of the signature: the token the suite issued, no longer its signature. */
function tampered(token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.slice(-1)}`;
}

/**
 * The TypeScript SDK (@sigma/iam-js) as an application uses it, against the distributed suite
 * (five processes, real PostgreSQL and Kafka) through the gateway: seed 000's calls, the token
 * lifecycle (refresh on 401 and before expiry, single flight, logout), local verification, and the
 * authorization code flow with PKCE through the login page in headless Chromium.
 */
describe('@sigma/iam-js against the suite', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let db: Client;
  let gateway: string;
  let defaultTenantId: string;
  let admin: SigmaIAM;

  const sdk = (options: Partial<ConstructorParameters<typeof SigmaIAM>[0]> = {}) => new SigmaIAM({ baseURL: gateway, ...options });
  const rawRefresh = (refreshToken: string) =>
    fetch(`${gateway}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: refreshToken }) });
  const newUser = async (): Promise<{ id: string; email: string }> => {
    const email = `sdk-${randomUUID().slice(0, 8)}@example.com`;
    return admin.request<{ id: string; email: string }>({ method: 'POST', path: '/api/v1/users', json: { email, password: USER_PASSWORD } });
  };

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    // A longer upstream timeout than the harness's 3 s: password hashing is slow on a busy machine.
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD, UPSTREAM_TIMEOUT_MS: '15000' });
    gateway = suite.gateway.url;
    db = new Client({ connectionString: postgres.url });
    await db.connect();
    defaultTenantId = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'")).rows[0].id;
    admin = sdk();
    await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await db?.end();
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  it("runs seed 000's calls: login, getProfile, updateProfile, getUserRoles, assignRole", async () => {
    const created = await newUser();
    const iam = sdk();
    const { user, accessToken, refreshToken } = await iam.login(created.email, USER_PASSWORD);
    expect(user).toMatchObject({ id: created.id, email: created.email, tenant_id: defaultTenantId, roles: ['user'] });
    expect([accessToken, refreshToken]).toEqual([expect.any(String), expect.any(String)]);

    await expect(iam.getProfile()).resolves.toMatchObject({ id: created.id, email: created.email });
    await expect(iam.updateProfile({ fullName: 'Ada Lovelace' })).resolves.toMatchObject({ full_name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace' });
    await expect(iam.getProfile()).resolves.toMatchObject({ full_name: 'Ada Lovelace' });
    const before = await iam.getUserRoles();
    expect(before).toMatchObject({ user_id: created.id, roles: [expect.objectContaining({ slug: 'user' })] });

    const assigned = await admin.assignRole(created.id, 'admin');
    expect(assigned.roles.map((role) => role.name).sort()).toEqual(['admin', 'user']);
    const after = await iam.getUserRoles();
    expect(after.roles.map((role) => role.slug).sort()).toEqual(['admin', 'user']);
    expect(after.permissions.length).toBeGreaterThan(0);
  });

  it('answers refusals as IAMError with the suite code, status, details and request id', async () => {
    const wrong = await sdk().login(ADMIN_EMAIL, 'not-the-password').catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(IAMError);
    expect(wrong).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401, requestId: expect.any(String) });

    const invalid = await admin.createApplication({ client_name: '', redirect_uris: ['not a uri'] }).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ code: 'VALIDATION_ERROR', status: 400, details: expect.arrayContaining([expect.objectContaining({ field: expect.any(String), message: expect.any(String) })]) });

    const user = sdk();
    const created = await newUser();
    await user.login(created.email, USER_PASSWORD);
    await expect(user.assignRole(created.id, 'super-admin')).rejects.toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', status: 403 });
    await expect(sdk().getProfile()).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
  });

  it('refreshes once when the suite refuses the access token, for many concurrent calls', async () => {
    const storage = new MemoryTokenStorage();
    const iam = sdk({ storage });
    const login = await iam.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const stored = storage.get();
    if (!stored) throw new Error('login stored no tokens');
    storage.set({ ...stored, accessToken: tampered(login.accessToken) });

    // Five calls meet 401 together. Two refreshes would present a spent refresh token, which
    // the suite answers by revoking the whole session: every call succeeding shows one refresh ran.
    const profiles = await Promise.all(Array.from({ length: 5 }, () => iam.getProfile()));
    expect(new Set(profiles.map((profile) => profile.email))).toEqual(new Set([ADMIN_EMAIL]));
    const renewed = storage.get();
    expect(renewed?.refreshToken).not.toBe(login.refreshToken);
    expect(renewed?.accessToken).not.toBe(login.accessToken);
    expect((await rawRefresh(login.refreshToken)).status).toBe(401);
    // That replay of the spent token revoked the session, as reuse detection should: the SDK's
    // next refresh is refused, and the SDK signs out locally.
    storage.set({ ...(renewed ?? stored), expiresAt: Date.now() - 1000 });
    await expect(iam.getProfile()).rejects.toMatchObject({ code: 'INVALID_TOKEN', status: 401 });
    expect(storage.get()).toBeNull();
  });

  it('refreshes before a call when the access token has expired', async () => {
    const storage = new MemoryTokenStorage();
    const iam = sdk({ storage });
    const login = await iam.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const stored = storage.get();
    if (!stored) throw new Error('login stored no tokens');
    storage.set({ ...stored, expiresAt: Date.now() - 1000 });
    await expect(iam.getUserRoles()).resolves.toMatchObject({ roles: [expect.objectContaining({ slug: 'super-admin' })] });
    expect(storage.get()?.refreshToken).not.toBe(login.refreshToken);
    expect(storage.get()?.expiresAt).toBeGreaterThan(Date.now());
  });

  it("verifies the suite's tokens locally against the tenant JWKS, and refuses tampered and foreign ones", async () => {
    const iam = sdk({ tenantId: defaultTenantId });
    const { accessToken, user } = await iam.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    await expect(iam.verifyToken(accessToken)).resolves.toMatchObject({ sub: user.id, tid: defaultTenantId, client_id: 'sigma-iam', roles: ['super-admin'], iss: `${gateway}/oauth/tenants/${defaultTenantId}` });
    await expect(iam.verifyToken(tampered(accessToken))).rejects.toMatchObject({ code: 'INVALID_TOKEN', status: 401 });
    await expect(sdk({ tenantId: randomUUID() }).verifyToken(accessToken)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(sdk({ issuerBaseURL: 'https://elsewhere.example' }).verifyToken(accessToken)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('logs out: the session ends at the suite and the tokens are gone', async () => {
    const storage = new MemoryTokenStorage();
    const iam = sdk({ storage });
    const { refreshToken } = await iam.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    await iam.logout();
    expect(storage.get()).toBeNull();
    expect((await rawRefresh(refreshToken)).status).toBe(401);
    await expect(iam.getProfile()).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
  });

  describe('authorization code + PKCE through the login page', () => {
    let browser: TestBrowser;
    /** The application's redirect URI: a page that just says it was reached. */
    let app: Server;
    let CALLBACK: string;

    beforeAll(async () => {
      const port = await freePort();
      app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>callback</title>'));
      await new Promise<void>((resolve) => app.listen(port, '127.0.0.1', resolve));
      CALLBACK = `http://127.0.0.1:${port}/sdk/callback`;
      browser = await launchTestBrowser();
    });

    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => app?.close(resolve));
    });

    it('creates a public application, signs a user in in Chromium, exchanges the code, refreshes and revokes OAuth tokens', async () => {
      const application = await admin.createApplication({
        client_name: `SDK app ${randomUUID().slice(0, 6)}`,
        client_type: 'public',
        redirect_uris: [CALLBACK],
        allowed_grant_types: ['authorization_code', 'refresh_token'],
        allowed_scopes: ['openid', 'profile', 'email'],
      });
      expect(application).toMatchObject({ client_type: 'public', redirect_uris: [CALLBACK], is_active: true });
      const created = await newUser();

      const storage = new MemoryTokenStorage();
      const iam = sdk({ clientId: application.client_id, redirectUri: CALLBACK, storage });
      const request = await iam.createAuthorizationRequest({ scope: 'openid profile email' });

      const page = await browser.context.newPage();
      await page.goto(request.url);
      await page.locator('#username').fill(created.email);
      await page.locator('#password').fill(USER_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((url) => url.href.startsWith(CALLBACK) || url.pathname === '/oauth/consent');
      if (new URL(page.url()).pathname === '/oauth/consent') await page.getByRole('button', { name: 'Allow', exact: true }).click();
      await page.waitForURL((url) => url.href.startsWith(CALLBACK));
      const callback = new URL(page.url());
      await page.close();
      expect(callback.searchParams.get('state')).toBe(request.state);
      const code = callback.searchParams.get('code') ?? '';
      expect(code).not.toBe('');

      // A wrong verifier is refused (PKCE).
      await expect(sdk({ clientId: application.client_id, redirectUri: CALLBACK }).exchangeCodeForTokens({ code, codeVerifier: 'x'.repeat(43) })).rejects.toMatchObject({ code: 'invalid_grant', status: 400 });
      const fresh = await iam.createAuthorizationRequest({ scope: 'openid profile email' });
      const second = await browser.context.newPage();
      // The browser session from the first sign-in skips the login page (and the remembered consent, if one was asked).
      await second.goto(fresh.url);
      await second.waitForURL((url) => url.href.startsWith(CALLBACK) || url.pathname === '/oauth/consent');
      if (new URL(second.url()).pathname === '/oauth/consent') await second.getByRole('button', { name: 'Allow', exact: true }).click();
      await second.waitForURL((url) => url.href.startsWith(CALLBACK));
      const secondCallback = new URL(second.url());
      await second.close();
      expect(secondCallback.searchParams.get('state')).toBe(fresh.state);

      const tokens = await iam.exchangeCodeForTokens(secondCallback.searchParams.get('code') ?? '', fresh.codeVerifier);
      expect(tokens).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), idToken: expect.any(String), tokenType: expect.stringMatching(/^(Bearer|DPoP)$/i) });
      await expect(iam.verifyToken(tokens.accessToken)).resolves.toMatchObject({ sub: created.id, client_id: application.client_id, tid: defaultTenantId });
      await expect(iam.getProfile()).resolves.toMatchObject({ id: created.id });

      // The suite refuses the access token: the SDK refreshes at the token endpoint as the public client.
      storage.set({ ...(storage.get() ?? { accessToken: '', source: 'oauth' }), accessToken: tampered(tokens.accessToken) });
      await expect(iam.getUserRoles()).resolves.toMatchObject({ user_id: created.id });
      const refreshed = storage.get();
      expect(refreshed).toMatchObject({ source: 'oauth' });
      expect(refreshed?.refreshToken).not.toBe(tokens.refreshToken);

      await iam.logout();
      expect(storage.get()).toBeNull();
      const reuse = await fetch(`${gateway}/oauth/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshed?.refreshToken ?? '', client_id: application.client_id }).toString(),
      });
      expect(reuse.status).toBe(400);
      expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
    });
  });
});
