import { IAMError, IdentityClient, IdentityGateway, MemoryTokenStorage, SigmaIAM } from '@sigma/sdk/iam-js';
import { DistributedSuite, eventually, freePort, launchTestBrowser, REPO_ROOT, startDistributedSuite, startTestPostgres, TestBrowser, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { decodeJwt } from 'jose';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { Client } from 'pg';
import { followSignIn, startUpstreamIdp, UpstreamIdp } from './support/upstream-idp';

const run = promisify(execFile);

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
 * Builds @sigma/iam-js as it is published (the build target's tsc, package.json, ES module entry)
 * into `<dir>/node_modules/@sigma/iam-js`, so a script in `dir` imports it by its npm name.
 */
async function installBuiltSdk(dir: string): Promise<void> {
  const target = join(dir, 'node_modules/@sigma/iam-js');
  await mkdir(join(target, 'esm'), { recursive: true });
  await run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(REPO_ROOT, 'libs/sdk/iam-js/tsconfig.build.json'), '--outDir', target]);
  await cp(join(REPO_ROOT, 'libs/sdk/iam-js/esm/index.mjs'), join(target, 'esm/index.mjs'));
  await cp(join(REPO_ROOT, 'libs/sdk/iam-js/package.json'), join(target, 'package.json'));
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
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD });
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

  it('a revoked session: the next call is a typed IAMError, its refresh is refused, and the client is signed out (no silent re-login)', async () => {
    const created = await newUser();
    const storage = new MemoryTokenStorage();
    const iam = sdk({ storage });
    const changes: unknown[] = [];
    iam.onAuthChange((change) => changes.push(change));
    const { accessToken, refreshToken } = await iam.login(created.email, USER_PASSWORD);
    await expect(iam.getProfile()).resolves.toMatchObject({ id: created.id });
    const { sid } = await iam.verifyToken(accessToken);
    expect(sid).toEqual(expect.any(String));

    // An administrator ends the session (seed 001's session revocation).
    await expect(admin.request({ method: 'POST', path: `/identity/v2/sessions/${sid}/revoke` })).resolves.toMatchObject({ session_id: sid, revoked: true });

    // The gateway learns of it through session.revoked; from then on the SDK's call is refused,
    // its one refresh is refused too (the session is gone), and it forgets the tokens.
    const refused = await eventually(async () => {
      const outcome = await iam.getProfile().then(
        () => undefined,
        (error: unknown) => error,
      );
      return outcome;
    }, 20_000);
    expect(refused).toBeInstanceOf(IAMError);
    expect(refused).toMatchObject({ status: 401, code: expect.stringMatching(/^(INVALID_TOKEN|AUTHENTICATION_REQUIRED)$/) });
    expect(storage.get()).toBeNull();
    expect(changes).toEqual([{ type: 'signed-in' }, { type: 'signed-out', reason: 'session-ended' }]);
    await expect(iam.getProfile()).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED', status: 0 });
    expect((await rawRefresh(refreshToken)).status).toBe(401);

    // Seed 002's IdentityGateway asks the suite on every check: the revoked session is seen at once.
    const gatewayStorage = new MemoryTokenStorage();
    const identity = new IdentityGateway({ clientId: 'sigma-iam', baseUrl: gateway, storage: gatewayStorage });
    await identity.login({ email: created.email, password: USER_PASSWORD });
    const gatewaySid = decodeJwt((await identity.getAccessToken()) ?? '')['sid'];
    await admin.request({ method: 'POST', path: `/identity/v2/sessions/${String(gatewaySid)}/revoke` });
    await expect(identity.getCurrentUser()).rejects.toMatchObject({ status: 401 });
    expect(gatewayStorage.get()).toBeNull();
    await expect(identity.hasPermission('users:read')).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
  });

  it("runs seed 002's IdentityGateway snippet: login, hasPermission, getCurrentUser", async () => {
    const created = await newUser();
    const identity = new IdentityGateway({ clientId: 'sigma-iam', baseUrl: gateway });
    const user = await identity.login({ email: created.email, password: USER_PASSWORD });
    expect(user).toMatchObject({ id: created.id, email: created.email, role: 'user', isActive: true });
    await expect(identity.hasPermission('users:read')).resolves.toBe(false);
    await expect(identity.getCurrentUser()).resolves.toMatchObject({ id: created.id });

    const operator = new IdentityGateway({ clientId: 'sigma-iam', baseUrl: gateway });
    await operator.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    await expect(operator.hasPermission('users:read')).resolves.toBe(true);
    await expect(new IdentityGateway({ clientId: 'sigma-iam', baseUrl: gateway }).login({ email: created.email, password: 'wrong-password-1!' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401 });
  });

  it('runs docs/examples/js/quickstart.mjs, with the package built as published, against the suite', async () => {
    await mkdir(join(REPO_ROOT, 'tmp'), { recursive: true });
    const dir = await mkdtemp(join(REPO_ROOT, 'tmp', 'sdk-js-example-'));
    try {
      await installBuiltSdk(dir);
      await cp(join(REPO_ROOT, 'docs/examples/js/quickstart.mjs'), join(dir, 'quickstart.mjs'));
      const created = await newUser();
      const { stdout } = await run(process.execPath, [join(dir, 'quickstart.mjs')], { cwd: dir, env: { ...process.env, SIGMA_IAM_BASE_URL: gateway, SIGMA_IAM_EMAIL: created.email, SIGMA_IAM_PASSWORD: USER_PASSWORD } });
      const steps = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(steps).toEqual([
        { step: 'login', userId: created.id, email: created.email },
        { step: 'verifyToken', sub: created.id, tenant: defaultTenantId, session: expect.any(String) },
        { step: 'profile', fullName: 'Quick Start' },
        { step: 'roles', roles: ['user'] },
        { step: 'logout' },
        { step: 'error', code: 'AUTHENTICATION_REQUIRED', status: 0 },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('social login with Google (node-oidc-provider plays Google)', () => {
    const UPSTREAM_CLIENT_ID = 'sigma-iam-sdk-e2e';
    const UPSTREAM_SECRET = 'sdk-e2e-upstream-secret-never-answered';
    const SOCIAL_CALLBACK = 'http://127.0.0.1:9/sdk/social/callback';
    let upstream: UpstreamIdp;
    let application: { client_id: string };

    beforeAll(async () => {
      upstream = await startUpstreamIdp({
        clients: [{ client_id: UPSTREAM_CLIENT_ID, client_secret: UPSTREAM_SECRET, redirect_uris: [`${gateway}/api/v1/auth/social/google/callback`] }],
        accounts: { alice: { email: 'alice.sdk@example.test', email_verified: true, given_name: 'Alice', family_name: 'Liddell' } },
      });
      await admin.request({
        method: 'PUT',
        path: '/api/admin/identity/sso-providers',
        json: { name: 'Google', config: { clientId: UPSTREAM_CLIENT_ID, clientSecret: UPSTREAM_SECRET, issuer: upstream.issuer }, metadata: { requireEmailVerified: true, autoLinkByEmail: false } },
      });
      application = await admin.createApplication({
        client_name: `SDK social app ${randomUUID().slice(0, 6)}`,
        client_type: 'public',
        redirect_uris: [SOCIAL_CALLBACK],
        allowed_grant_types: ['authorization_code', 'refresh_token'],
        allowed_scopes: ['openid', 'profile', 'email'],
      });
    });

    afterAll(async () => {
      await upstream?.stop();
    });

    it("runs seed 000's `const { user: googleUser } = await iam.loginWithGoogle()` in Chromium: away to Google, back, resolved", async () => {
      // The application's page, on its own origin: a button calls loginWithGoogle(); at /callback the same call completes.
      const port = await freePort();
      const origin = `http://127.0.0.1:${port}`;
      const webApp = await admin.createApplication({
        client_name: `SDK browser app ${randomUUID().slice(0, 6)}`,
        client_type: 'public',
        redirect_uris: [`${origin}/callback`],
        allowed_grant_types: ['authorization_code', 'refresh_token'],
        allowed_scopes: ['openid', 'profile', 'email'],
        allowed_origins: [origin],
      });
      const bundle = await build({
        stdin: {
          contents: [
            "import { SigmaIAM } from '@sigma/iam-js';",
            `const iam = new SigmaIAM({ baseURL: ${JSON.stringify(gateway)}, clientId: ${JSON.stringify(webApp.client_id)}, redirectUri: location.origin + '/callback' });`,
            'const show = (text) => { const out = document.createElement("output"); out.textContent = text; document.body.append(out); };',
            'const signIn = async () => { try { const { user: googleUser } = await iam.loginWithGoogle(); show("signed in as " + googleUser.email); } catch (error) { show("failed: " + error.code); } };',
            "document.querySelector('button').addEventListener('click', signIn);",
            "if (location.pathname === '/callback') void signIn();",
          ].join('\n'),
          resolveDir: REPO_ROOT,
          loader: 'js',
        },
        alias: { '@sigma/iam-js': join(REPO_ROOT, 'libs/sdk/iam-js/src/index.ts') },
        bundle: true,
        write: false,
        format: 'iife',
        platform: 'browser',
        target: 'es2022',
        logLevel: 'silent',
      });
      const script = bundle.outputFiles[0].text;
      const site = createServer((req, res) => {
        if (new URL(req.url ?? '/', origin).pathname === '/app.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
        else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>app</title><button>Continue with Google</button><script src="/app.js"></script>');
      });
      await new Promise<void>((resolve) => site.listen(port, '127.0.0.1', resolve));
      const browser = await launchTestBrowser();
      try {
        const page = await browser.context.newPage();
        await page.goto(origin);
        await page.getByRole('button', { name: 'Continue with Google' }).click();
        // At "Google" (node-oidc-provider's sign-in form).
        await page.waitForURL((url) => url.origin === new URL(upstream.issuer).origin);
        await page.locator('input[name="account"]').fill('alice');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL((url) => url.href.startsWith(`${origin}/callback`));
        await expect(page.locator('output').textContent()).resolves.toBe('signed in as alice.sdk@example.test');
        // The verifier waited in this tab's sessionStorage and is used up.
        await expect(page.evaluate('Object.keys(sessionStorage).length')).resolves.toBe(0);
      } finally {
        await browser.close();
        await new Promise((resolve) => site.close(resolve));
      }
    });

    it("signs a user in with getAuthorizationUrl({ provider: 'google' }) and handleRedirectCallback, then refreshes as the application", async () => {
      const storage = new MemoryTokenStorage();
      const iam = sdk({ clientId: application.client_id, redirectUri: SOCIAL_CALLBACK, storage });
      // In Node there is no page to send away: loginWithGoogle says what to do instead.
      await expect(iam.loginWithGoogle()).rejects.toMatchObject({ code: 'BROWSER_REQUIRED' });

      const authUrl = iam.getAuthorizationUrl({ scope: 'read write profile', provider: 'google' });
      expect(new URL(authUrl).pathname).toBe('/api/v1/auth/social/google');
      const landed = await followSignIn(authUrl, 'alice', (url) => url.href.startsWith(SOCIAL_CALLBACK));
      expect(landed.searchParams.get('iss')).toBe(`${gateway}/oauth/tenants/${defaultTenantId}`);

      const { user: googleUser, accessToken, refreshToken } = await iam.handleRedirectCallback(landed.href);
      expect(googleUser).toMatchObject({ email: 'alice.sdk@example.test', first_name: 'Alice', last_name: 'Liddell', tenant_id: defaultTenantId });
      await expect(iam.verifyToken(accessToken)).resolves.toMatchObject({ sub: googleUser.id, client_id: application.client_id, tid: defaultTenantId });
      await expect(iam.getProfile()).resolves.toMatchObject({ id: googleUser.id });
      // The same callback again: the state is used up, and the one-time code would be too.
      await expect(iam.handleRedirectCallback(landed.href)).rejects.toMatchObject({ code: 'INVALID_STATE' });

      // The suite refuses the access token: the SDK refreshes at the token endpoint as the application.
      storage.set({ ...(storage.get() ?? { accessToken: '', source: 'oauth' }), accessToken: tampered(accessToken) });
      await expect(iam.getUserRoles()).resolves.toMatchObject({ user_id: googleUser.id });
      expect(storage.get()?.refreshToken).not.toBe(refreshToken);

      // A second sign-in of the same Google account is the same user.
      const again = sdk({ clientId: application.client_id, redirectUri: SOCIAL_CALLBACK });
      const second = await followSignIn(again.getAuthorizationUrl({ provider: 'google' }), 'alice', (url) => url.href.startsWith(SOCIAL_CALLBACK));
      await expect(again.handleRedirectCallback(second.href)).resolves.toMatchObject({ user: { id: googleUser.id } });
    });
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

    /** A new browser session signs `email` in at the login page for `url` (consent given if asked) and answers the callback URL. */
    async function signInInBrowser(url: string, email: string): Promise<URL> {
      await browser.context.clearCookies();
      const page: Page = await browser.context.newPage();
      try {
        await page.goto(url);
        await page.locator('#username').fill(email);
        await page.locator('#password').fill(USER_PASSWORD);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.waitForURL((next) => next.href.startsWith(CALLBACK) || next.pathname === '/oauth/consent');
        if (new URL(page.url()).pathname === '/oauth/consent') await page.getByRole('button', { name: 'Allow', exact: true }).click();
        await page.waitForURL((next) => next.href.startsWith(CALLBACK));
        return new URL(page.url());
      } finally {
        await page.close();
      }
    }

    const publicApplication = () =>
      admin.createApplication({
        client_name: `SDK app ${randomUUID().slice(0, 6)}`,
        client_type: 'public',
        redirect_uris: [CALLBACK],
        allowed_grant_types: ['authorization_code', 'refresh_token'],
        allowed_scopes: ['openid', 'profile', 'email'],
      });

    it("runs seed 001's IdentityClient snippet: /oauth/authorize with PKCE, a DPoP-bound code exchange, userinfo with a proof", async () => {
      const application = await publicApplication();
      const created = await newUser();
      const client = new IdentityClient({ baseUrl: gateway, clientId: application.client_id, tenantId: defaultTenantId });
      const authUrl = await client.getAuthorizationUrl({ redirectUri: CALLBACK, scope: 'openid profile email', state: `state-${randomUUID()}` });
      const callback = await signInInBrowser(authUrl, created.email);
      const state = callback.searchParams.get('state') ?? '';
      const tokens = await client.exchangeCodeForTokens({ code: callback.searchParams.get('code') ?? '', codeVerifier: client.takeCodeVerifier(state) ?? '', redirectUri: CALLBACK });
      expect(tokens).toMatchObject({ tokenType: 'DPoP', accessToken: expect.any(String), refreshToken: expect.any(String) });
      expect(decodeJwt(tokens.accessToken)['cnf']).toEqual({ jkt: await client.getDPoPThumbprint() });

      await expect(client.getUserInfo(tokens.accessToken)).resolves.toMatchObject({ sub: created.id, email: created.email });
      // Bound means bound: the same token as a bearer token is refused, and so is another key's proof.
      const asBearer = await fetch(`${gateway}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
      expect(asBearer.status).toBe(401);
      const thief = new IdentityClient({ baseUrl: gateway, clientId: application.client_id });
      await expect(thief.getUserInfo(tokens.accessToken)).rejects.toMatchObject({ code: 'invalid_dpop_proof', status: expect.any(Number) });
      // A public client's refresh token is bound to the key as well.
      await expect(thief.refreshTokens(tokens.refreshToken ?? '')).rejects.toMatchObject({ code: 'invalid_grant' });
      await expect(client.refreshTokens(tokens.refreshToken ?? '')).resolves.toMatchObject({ tokenType: 'DPoP' });
    });

    it('SigmaIAM with dpop: createAuthorizationRequest, handleRedirectCallback, and DPoP-bound API calls through the gateway', async () => {
      const application = await publicApplication();
      const created = await newUser();
      const storage = new MemoryTokenStorage();
      const iam = sdk({ clientId: application.client_id, redirectUri: CALLBACK, storage, dpop: true });
      const request = await iam.createAuthorizationRequest({ scope: 'openid profile email' });
      const callback = await signInInBrowser(request.url, created.email);
      const { user, accessToken } = await iam.handleRedirectCallback(callback.href);
      expect(user).toMatchObject({ id: created.id, email: created.email });
      expect(storage.get()).toMatchObject({ tokenType: 'DPoP', source: 'oauth' });
      expect(decodeJwt(accessToken)['cnf']).toEqual({ jkt: expect.any(String) });
      await expect(iam.getUserRoles()).resolves.toMatchObject({ user_id: created.id });
      const asBearer = await fetch(`${gateway}/api/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(asBearer.status).toBe(401);
      // Refresh (DPoP-bound for a public client) and the call after it.
      storage.set({ ...(storage.get() ?? { accessToken: '', source: 'oauth' }), expiresAt: Date.now() - 1000 });
      await expect(iam.getProfile()).resolves.toMatchObject({ id: created.id });
      expect(storage.get()?.accessToken).not.toBe(accessToken);
    });

    it('creates a public application, signs a user in in Chromium, exchanges the code, refreshes and revokes OAuth tokens', async () => {
      const application = await publicApplication();
      expect(application).toMatchObject({ client_type: 'public', redirect_uris: [CALLBACK], is_active: true });
      const created = await newUser();

      const storage = new MemoryTokenStorage();
      const iam = sdk({ clientId: application.client_id, redirectUri: CALLBACK, storage });
      const request = await iam.createAuthorizationRequest({ scope: 'openid profile email' });

      const callback = await signInInBrowser(request.url, created.email);
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
