import { SigmaIAM } from '@sigma/sdk/iam-js';
import { DistributedSuite, eventually, freePort, launchTestBrowser, REPO_ROOT, startDistributedSuite, startTestPostgres, TestBrowser, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { build } from 'esbuild';
import { decodeJwt } from 'jose';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { startUpstreamIdp } from './support/upstream-idp';

jest.setTimeout(300000);

const run = promisify(execFile);
const EXAMPLE = join(REPO_ROOT, 'docs/examples/react');
const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'e2e-bootstrap-password-1';
const USER_PASSWORD = 'React-e2e-password-1!';
/** Where the example keeps its tokens (docs/examples/react/src/main.tsx). */
const STORAGE_KEY = 'sigma-iam-example';

interface StoredTokens {
  accessToken: string;
  refreshToken: string;
}

interface ServedPage {
  origin: string;
  server: Server;
  /** The bundle /app.js answers; set once it is built. */
  script: string;
}

/** Serves the example page and its bundle on loopback, as any static host would, under a strict CSP. */
async function servePage(html: string, gateway: string): Promise<ServedPage> {
  const port = await freePort();
  const headers = { 'content-security-policy': `default-src 'self'; connect-src ${gateway}; object-src 'none'; base-uri 'none'`, 'x-content-type-options': 'nosniff' };
  const served: ServedPage = {
    origin: `http://127.0.0.1:${port}`,
    script: '',
    server: createServer((req, res) => {
      if (new URL(req.url ?? '/', 'http://page').pathname === '/app.js') res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(served.script);
      else res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(html);
    }),
  };
  await new Promise<void>((resolve) => served.server.listen(port, '127.0.0.1', resolve));
  return served;
}

/**
 * @sigma/iam-react as an application uses it: docs/examples/react (SigmaAuthProvider + useSigmaAuth,
 * seed 000's React snippet), bundled with esbuild, served from its own origin (an allowed origin
 * of a registered application) and driven in headless Chromium against the distributed suite
 * (five processes, real PostgreSQL and Kafka) through the gateway.
 */
describe('@sigma/iam-react in a browser against the suite', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let browser: TestBrowser;
  let gateway: string;
  let admin: SigmaIAM;
  let page: ServedPage;
  let unregistered: ServedPage;
  let clientId: string;

  const newUser = async (firstName: string, lastName: string, role?: string): Promise<{ id: string; email: string }> => {
    const email = `react-${randomUUID().slice(0, 8)}@example.com`;
    const user = await admin.request<{ id: string; email: string }>({ method: 'POST', path: '/api/v1/users', json: { email, password: USER_PASSWORD, first_name: firstName, last_name: lastName } });
    if (role) await admin.assignRole(user.id, role);
    return user;
  };
  const open = async (origin: string): Promise<Page> => {
    const tab = await browser.context.newPage();
    await tab.goto(origin);
    return tab;
  };
  const signIn = async (tab: Page, email: string, password: string) => {
    await tab.getByLabel('Email').fill(email);
    await tab.getByLabel('Password').fill(password);
    await tab.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  const storedTokens = async (tab: Page): Promise<StoredTokens | null> => {
    // A page expression (this spec has no DOM types): the tab's sessionStorage entry of the example.
    const saved: unknown = await tab.evaluate(`window.sessionStorage.getItem(${JSON.stringify(STORAGE_KEY)})`);
    return typeof saved === 'string' ? (JSON.parse(saved) as StoredTokens) : null;
  };
  const alertOf = async (tab: Page) => {
    await tab.getByRole('alert').waitFor();
    return tab.getByRole('alert').textContent();
  };
  const rawRefresh = (refreshToken: string) =>
    fetch(`${gateway}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: refreshToken }) });
  /** An admin ends the session (seed 002's admin API); resolves once the gateway refuses its access token. */
  const revokeSession = async (tokens: StoredTokens) => {
    const sid = decodeJwt(tokens.accessToken)['sid'];
    if (typeof sid !== 'string') throw new Error('the access token names no session');
    await admin.request({ method: 'DELETE', path: '/api/admin/identity/sessions', query: { sessionId: sid } });
    await eventually(async () => ((await fetch(`${gateway}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } })).status === 401 ? true : undefined), 20000);
  };

  beforeAll(async () => {
    [postgres, kafka, browser] = await Promise.all([startTestPostgres(), TestKafka.start(), launchTestBrowser()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD });
    gateway = suite.gateway.url;
    admin = new SigmaIAM({ baseURL: gateway });
    await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD);

    const html = await readFile(join(EXAMPLE, 'index.html'), 'utf8');
    // The application registers the page's origin; the bundle names the application.
    [page, unregistered] = await Promise.all([servePage(html, gateway), servePage(html, gateway)]);
    const application = await admin.createApplication({
      client_name: 'React example',
      client_type: 'public',
      redirect_uris: [`${page.origin}/callback`],
      allowed_grant_types: ['authorization_code', 'refresh_token'],
      allowed_scopes: ['openid', 'profile', 'email'],
      allowed_origins: [page.origin],
    });
    clientId = application.client_id;
    const bundle = await build({
      entryPoints: [join(EXAMPLE, 'src/main.tsx')],
      tsconfig: join(EXAMPLE, 'tsconfig.json'),
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      define: {
        'process.env.NODE_ENV': '"production"',
        'process.env.SIGMA_IAM_URL': JSON.stringify(gateway),
        'process.env.SIGMA_IAM_CLIENT_ID': JSON.stringify(application.client_id),
      },
      logLevel: 'silent',
    });
    page.script = bundle.outputFiles[0].text;
    unregistered.script = page.script;
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([page, unregistered].map((served) => served && new Promise((resolve) => served.server.close(resolve))));
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  it('the example type-checks against the SDK types (strict, DOM, react-jsx)', async () => {
    await expect(run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(EXAMPLE, 'tsconfig.json')], { cwd: REPO_ROOT })).resolves.toMatchObject({ stdout: '' });
  });

  it("signs in through the gateway, shows the user's name, hides permission-gated content, restores the session on reload, logs out", async () => {
    const user = await newUser('Grace', 'Hopper');
    const tab = await open(page.origin);
    await tab.getByRole('heading', { name: 'Sign in' }).waitFor();

    await signIn(tab, user.email, 'not-the-password');
    expect(await alertOf(tab)).toBe('Wrong email or password.');
    expect(await storedTokens(tab)).toBeNull();

    await signIn(tab, user.email, USER_PASSWORD);
    await tab.getByRole('heading', { name: 'Welcome, Grace Hopper' }).waitFor();
    await tab.getByText('Access denied').waitFor();
    expect(await tab.getByRole('heading', { name: 'Users' }).count()).toBe(0);

    // A reload keeps the tab's tokens (sessionStorage): the provider restores the session from the profile.
    await tab.reload();
    await tab.getByRole('heading', { name: 'Welcome, Grace Hopper' }).waitFor();
    const tokens = await storedTokens(tab);
    expect(tokens).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });

    await tab.getByRole('button', { name: 'Logout' }).click();
    await tab.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await storedTokens(tab)).toBeNull();
    expect(await tab.getByRole('alert').count()).toBe(0);
    // The session ended at the suite, not only in the page.
    expect((await rawRefresh(tokens?.refreshToken ?? '')).status).toBe(401);
    await tab.close();
  });

  it('shows the permission-gated user list once the user is granted users:read, loaded from the page origin through CORS', async () => {
    const manager = await newUser('Ada', 'Lovelace');
    const tab = await open(page.origin);
    await signIn(tab, manager.email, USER_PASSWORD);
    await tab.getByRole('heading', { name: 'Welcome, Ada Lovelace' }).waitFor();
    await tab.getByText('Access denied').waitFor();

    await admin.assignRole(manager.id, 'admin');
    // Back on the page, the provider reads the profile again, and refreshes the tokens so that they
    // carry the new grant: the list the page now shows loads (a token without users:read gets 403).
    await tab.evaluate("window.dispatchEvent(new Event('focus'))");
    await tab.getByRole('heading', { name: 'Users' }).waitFor();
    await tab.getByRole('list', { name: 'Users' }).getByText(manager.email, { exact: true }).waitFor();
    expect(await tab.getByText('Access denied').count()).toBe(0);
    expect(await tab.getByRole('alert').count()).toBe(0);
    await tab.close();
  });

  it('signs the page out when an admin revokes the session: at the next call through the SDK, and when the page gets focus', async () => {
    const manager = await newUser('Katherine', 'Johnson', 'admin');
    const listing = await open(page.origin);
    await signIn(listing, manager.email, USER_PASSWORD);
    await listing.getByRole('heading', { name: 'Users' }).waitFor();
    const tokens = await storedTokens(listing);
    if (tokens === null) throw new Error('the page kept no tokens');

    await revokeSession(tokens);
    // The gateway refuses the access token, the SDK's refresh is refused too: the provider signs out.
    await listing.getByRole('button', { name: 'Reload users' }).click();
    await listing.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await alertOf(listing)).toBe('Your session has ended. Please sign in again.');
    expect(await storedTokens(listing)).toBeNull();
    await listing.close();

    const reader = await newUser('Dorothy', 'Vaughan');
    const idle = await open(page.origin);
    await signIn(idle, reader.email, USER_PASSWORD);
    await idle.getByRole('heading', { name: 'Welcome, Dorothy Vaughan' }).waitFor();
    const idleTokens = await storedTokens(idle);
    if (idleTokens === null) throw new Error('the page kept no tokens');
    await revokeSession(idleTokens);
    // Nothing on the page calls the suite until the user comes back to it.
    await idle.evaluate("window.dispatchEvent(new Event('focus'))");
    await idle.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await alertOf(idle)).toBe('Your session has ended. Please sign in again.');
    await idle.close();
  });

  it("signs in through the suite's login page (authorization code + PKCE) and comes back signed in", async () => {
    const user = await newUser('Hedy', 'Lamarr');
    const tab = await open(`${page.origin}/reports`);
    await tab.getByRole('button', { name: 'Use the Sigma IAM login page' }).click();
    await tab.locator('#username').fill(user.email);
    await tab.locator('#password').fill(USER_PASSWORD);
    await tab.getByRole('button', { name: 'Sign in', exact: true }).click();
    await tab.waitForURL((url) => url.origin === page.origin || url.pathname === '/oauth/consent');
    if (new URL(tab.url()).pathname === '/oauth/consent') await tab.getByRole('button', { name: 'Allow', exact: true }).click();

    await tab.getByRole('heading', { name: 'Welcome, Hedy Lamarr' }).waitFor();
    // Back where the login started, without code and state in the address bar.
    expect(new URL(tab.url()).pathname).toBe('/reports');
    expect(new URL(tab.url()).search).toBe('');
    const tokens = await storedTokens(tab);
    expect(tokens).toMatchObject({ source: 'oauth', refreshToken: expect.any(String) });
    expect(decodeJwt(tokens?.accessToken ?? '')).toMatchObject({ sub: user.id, client_id: clientId });

    await tab.getByRole('button', { name: 'Logout' }).click();
    await tab.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await storedTokens(tab)).toBeNull();
    await tab.close();
  });

  it("signs in with loginWithRedirect({ provider: 'google' }): away to the provider, back through the suite, signed in with the application's tokens", async () => {
    const upstream = await startUpstreamIdp({
      clients: [{ client_id: 'react-upstream-client', client_secret: 'react-upstream-secret', redirect_uris: [`${gateway}/api/v1/auth/social/google/callback`] }],
      accounts: { grace: { email: 'grace.react@example.test', email_verified: true, given_name: 'Grace', family_name: 'Brewster' } },
    });
    try {
      await admin.request({
        method: 'PUT',
        path: '/api/admin/identity/sso-providers',
        json: { name: 'Google', config: { clientId: 'react-upstream-client', clientSecret: 'react-upstream-secret', issuer: upstream.issuer }, metadata: { requireEmailVerified: true, autoLinkByEmail: false } },
      });
      const tab = await open(`${page.origin}/reports`);
      await tab.getByRole('button', { name: 'Continue with Google' }).click();
      // At the provider (node-oidc-provider's sign-in form), not at the suite's login page.
      await tab.waitForURL((url) => url.origin === new URL(upstream.issuer).origin);
      await tab.locator('input[name="account"]').fill('grace');
      await tab.getByRole('button', { name: 'Sign in' }).click();

      await tab.getByRole('heading', { name: 'Welcome, Grace Brewster' }).waitFor();
      expect(new URL(tab.url()).pathname).toBe('/reports');
      expect(new URL(tab.url()).search).toBe('');
      const tokens = await storedTokens(tab);
      expect(tokens).toMatchObject({ source: 'oauth', refreshToken: expect.any(String) });
      expect(decodeJwt(tokens?.accessToken ?? '')).toMatchObject({ client_id: clientId });
      await tab.getByRole('button', { name: 'Logout' }).click();
      await tab.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await storedTokens(tab)).toBeNull();
      await tab.close();
    } finally {
      await upstream.stop();
    }
  });

  it('cannot sign in from an origin no application allows: the gateway answers no CORS headers', async () => {
    const user = await newUser('Mary', 'Jackson');
    const tab = await open(unregistered.origin);
    await signIn(tab, user.email, USER_PASSWORD);
    expect(await alertOf(tab)).toBe('Network request failed');
    expect(await storedTokens(tab)).toBeNull();
    await tab.close();
  });

  it("keeps the page signed in across the access token's expiry: the next gated call refreshes first, or after the suite's 401", async () => {
    const manager = await newUser('Annie', 'Easley', 'admin');
    // The tenant's shortest access token lifetime (60 s), so the page's token really expires while it is open.
    const tenantPath = `/api/v1/tenants/${(await admin.getProfile()).tenant_id}`;
    await admin.request({ method: 'PATCH', path: tenantPath, json: { token_lifetimes: { access_token: 60 } } });
    try {
      const lifetimeOf = (token: string) => {
        const { exp, iat } = decodeJwt(token);
        return exp === undefined || iat === undefined ? undefined : exp - iat;
      };
      // auth-server reuses a tenant's record for up to 30 s: wait until sign-ins get the new lifetime.
      await eventually(async () => (lifetimeOf((await new SigmaIAM({ baseURL: gateway }).login(manager.email, USER_PASSWORD)).accessToken) === 60 ? true : undefined), 45000, 2000);
      const signedIn = async () => {
        const tab = await open(page.origin);
        await signIn(tab, manager.email, USER_PASSWORD);
        await tab.getByRole('list', { name: 'Users' }).getByText(manager.email, { exact: true }).waitFor();
        const tokens = await storedTokens(tab);
        if (tokens === null) throw new Error('the page kept no tokens');
        expect(lifetimeOf(tokens.accessToken)).toBe(60);
        const calls: string[] = [];
        tab.on('response', (response) => {
          const url = new URL(response.url());
          if (url.origin === gateway && response.request().method() !== 'OPTIONS' && ['/api/v1/auth/refresh', '/api/v1/users', '/api/v1/me'].includes(url.pathname)) calls.push(`${url.pathname} ${response.status()}`);
        });
        return { tab, tokens, calls };
      };
      // Two tabs: one whose SDK knows when the token expires, one whose stored expiry is ahead of the
      // suite's clock, so that it learns of the expiry from the suite's 401.
      const knowing = await signedIn();
      const unaware = await signedIn();
      await unaware.tab.evaluate(
        `(() => { const saved = JSON.parse(window.sessionStorage.getItem(${JSON.stringify(STORAGE_KEY)})); saved.expiresAt = Date.now() + 3600000; window.sessionStorage.setItem(${JSON.stringify(STORAGE_KEY)}, JSON.stringify(saved)); })()`,
      );

      // Past the expiry and the gateway's clock tolerance (5 s): the suite refuses both tokens.
      await sleep(Math.max(0, ((decodeJwt(unaware.tokens.accessToken).exp ?? 0) + 7) * 1000 - Date.now()));
      for (const { tokens } of [knowing, unaware]) {
        expect((await fetch(`${gateway}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } })).status).toBe(401);
      }

      const reload = async ({ tab }: { tab: Page }) => {
        const listed = tab.waitForResponse((response) => new URL(response.url()).pathname === '/api/v1/users' && response.status() === 200);
        await tab.getByRole('button', { name: 'Reload users' }).click();
        await listed;
        await tab.getByRole('list', { name: 'Users' }).getByText(manager.email, { exact: true }).waitFor();
        expect(await tab.getByRole('alert').count()).toBe(0);
      };
      knowing.calls.length = 0;
      await reload(knowing);
      expect(knowing.calls).toEqual(['/api/v1/auth/refresh 200', '/api/v1/users 200']);
      unaware.calls.length = 0;
      await reload(unaware);
      expect(unaware.calls).toEqual(['/api/v1/users 401', '/api/v1/auth/refresh 200', '/api/v1/users 200']);

      for (const { tab, tokens } of [knowing, unaware]) {
        const renewed = await storedTokens(tab);
        expect(renewed?.accessToken).not.toBe(tokens.accessToken);
        expect(renewed?.refreshToken).not.toBe(tokens.refreshToken);
        expect(decodeJwt(renewed?.accessToken ?? '')).toMatchObject({ sub: manager.id });
        await tab.getByRole('heading', { name: 'Welcome, Annie Easley' }).waitFor();
        await tab.close();
      }
    } finally {
      await admin.request({ method: 'PATCH', path: tenantPath, json: { token_lifetimes: { access_token: 900 } } });
    }
  });
});
