import { DistributedSuite, launchTestBrowser, readJson, startDistributedSuite, startTestPostgres, TestBrowser, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { issuerOf } from '@sigma/shared/util-auth';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { Client } from 'pg';
import type { Page } from 'playwright-core';

jest.setTimeout(240000);

const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'e2e-bootstrap-password-browser';
const PREFIXES = ['/oauth', '/oauth/v1', '/api/oauth'] as const;
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface Registered {
  client_id: string;
  client_secret: string | null;
}

/**
 * The browser flows of issue 4 as relying parties meet them: openid-client v6 and oauth4webapi v3
 * as the clients, Debian's chromium (playwright-core) as the user's browser on the login, consent
 * and device pages, through the gateway of the distributed topology (real PostgreSQL and Kafka).
 */
describe('OAuth browser flows through the gateway', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let db: Client;
  let gateway: string;
  let tenantId: string;
  let adminToken: string;
  let browser: TestBrowser;
  let callbacks: Server;
  let redirectUri: string;
  let postLogoutUri: string;

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD });
    gateway = suite.gateway.url;
    db = new Client({ connectionString: postgres.url });
    await db.connect();
    tenantId = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'")).rows[0].id;
    const login = await fetch(`${gateway}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ADMIN_EMAIL, password: ADMIN_PASSWORD }) });
    adminToken = (await readJson<{ access_token: string }>(login)).access_token;
    // The relying party's redirect URIs: a loopback server that answers every callback with a page.
    callbacks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>callback</title><p>ok</p>'));
    await new Promise<void>((resolve) => callbacks.listen(0, '127.0.0.1', resolve));
    const port = (callbacks.address() as AddressInfo).port;
    redirectUri = `http://127.0.0.1:${port}/cb`;
    postLogoutUri = `http://127.0.0.1:${port}/signed-out`;
    browser = await launchTestBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => callbacks?.close(resolve));
    await db?.end();
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  const register = async (body: Record<string, unknown> = {}): Promise<Registered> => {
    const answer = await fetch(`${gateway}/api/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ client_name: `Browser e2e ${randomUUID().slice(0, 8)}`, redirect_uris: [redirectUri], post_logout_redirect_uris: [postLogoutUri], ...body }),
    });
    expect(answer.status).toBe(201);
    return readJson<Registered>(answer);
  };
  const issuer = () => new URL(issuerOf(gateway, tenantId));
  /** openid-client's configuration from discovery, with the endpoints under the given prefix. */
  const configure = async (registered: Registered, prefix: (typeof PREFIXES)[number] = '/oauth'): Promise<client.Configuration> => {
    const auth = registered.client_secret ? client.ClientSecretBasic(registered.client_secret) : client.None();
    const discovered = await client.discovery(issuer(), registered.client_id, undefined, auth, { execute: [client.allowInsecureRequests] });
    const metadata: client.ServerMetadata = JSON.parse(JSON.stringify(discovered.serverMetadata()));
    const config = new client.Configuration(
      {
        ...metadata,
        authorization_endpoint: `${gateway}${prefix}/authorize`,
        token_endpoint: `${gateway}${prefix}/token`,
        pushed_authorization_request_endpoint: `${gateway}${prefix}/par`,
        device_authorization_endpoint: `${gateway}${prefix}/device_authorization`,
        end_session_endpoint: `${gateway}${prefix}/logout`,
      },
      registered.client_id,
      undefined,
      auth,
    );
    client.allowInsecureRequests(config);
    return config;
  };
  const newPage = async (): Promise<Page> => browser.context.newPage();
  /** Signs in on the login page (when shown) and answers the consent page (when shown); resolves at the client's callback. */
  const throughPages = async (page: Page, start: URL | string, decision: 'Allow' | 'Deny' = 'Allow'): Promise<URL> => {
    await page.goto(start.toString());
    if (page.url().includes('/oauth/login')) {
      await page.getByLabel('Email or username').fill(ADMIN_EMAIL);
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/oauth/login'));
    }
    if (page.url().includes('/oauth/consent')) {
      await page.getByRole('button', { name: decision }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/oauth/consent'));
    }
    return new URL(page.url());
  };
  const codeFlow = async (config: client.Configuration, page: Page, extra: Record<string, string> = {}) => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid profile email', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce, ...extra });
    const callback = await throughPages(page, url);
    return { callback, verifier, state, nonce };
  };
  const oauthErrorOf = async (work: Promise<unknown>): Promise<string> => {
    try {
      await work;
    } catch (error) {
      if (error instanceof client.ResponseBodyError) return error.error;
      if (error instanceof client.AuthorizationResponseError) return error.error;
      throw error;
    }
    throw new Error('expected an OAuth error');
  };

  describe('authorization code + PKCE (openid-client)', () => {
    it('signs in and consents once, then reuses the browser session and the remembered consent under every prefix', async () => {
      const registered = await register();
      const page = await newPage();
      for (const prefix of PREFIXES) {
        const config = await configure(registered, prefix);
        const { callback, verifier, state, nonce } = await codeFlow(config, page);
        expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
        expect(callback.searchParams.get('iss')).toBe(issuer().href);
        const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
        const claims = tokens.claims();
        expect(claims).toMatchObject({ iss: issuer().href, aud: registered.client_id, nonce, amr: ['pwd'], email: ADMIN_EMAIL, auth_time: expect.any(Number), sid: expect.any(String) });
        expect(tokens.token_type.toLowerCase()).toBe('bearer');
        expect(tokens.refresh_token).toEqual(expect.any(String));
      }
      // One login page and one consent page for three authorizations.
      expect(await db.query('SELECT count(*)::int AS n FROM auth.browser_sessions')).toMatchObject({ rows: [{ n: 1 }] });
      await page.close();
    });

    it('answers a denial access_denied with state and iss, which openid-client reports', async () => {
      const registered = await register();
      const config = await configure(registered);
      const page = await newPage();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
      const callback = await throughPages(page, url, 'Deny');
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(await oauthErrorOf(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }))).toBe('access_denied');
      await page.close();
    });

    it('refuses a wrong verifier and a replayed code with invalid_grant; the replay revokes the first tokens', async () => {
      const registered = await register({ first_party: true });
      const config = await configure(registered, '/api/oauth');
      const page = await newPage();
      const { callback, verifier, state, nonce } = await codeFlow(config, page);
      expect(await oauthErrorOf(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: state, expectedNonce: nonce }))).toBe('invalid_grant');
      const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
      expect(await oauthErrorOf(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }))).toBe('invalid_grant');
      expect(await oauthErrorOf(client.refreshTokenGrant(config, tokens.refresh_token ?? ''))).toBe('invalid_grant');
      await page.close();
    });

    it('detects a mix-up: the iss of the response is checked against the server the client meant (RFC 9207)', async () => {
      const registered = await register({ first_party: true });
      const page = await newPage();
      const config = await configure(registered);
      const { callback, state } = await codeFlow(config, page);
      const otherServer: oauth.AuthorizationServer = { issuer: `${gateway}/oauth/tenants/${randomUUID()}`, authorization_response_iss_parameter_supported: true };
      expect(() => oauth.validateAuthResponse(otherServer, { client_id: registered.client_id }, callback, state)).toThrow(/iss/);
      const ours: oauth.AuthorizationServer = { issuer: issuer().href, authorization_response_iss_parameter_supported: true };
      expect(oauth.validateAuthResponse(ours, { client_id: registered.client_id }, callback, state).get('code')).toEqual(expect.any(String));
      await page.close();
    });
  });

  describe('PAR (oauth4webapi)', () => {
    it('pushes the request, authorizes with its request_uri once, and refuses it reused or expired', async () => {
      const registered = await register({ require_par: true, first_party: true });
      const discovered = await oauth.processDiscoveryResponse(issuer(), await oauth.discoveryRequest(issuer(), { [oauth.allowInsecureRequests]: true }));
      const as: oauth.AuthorizationServer = { ...discovered, pushed_authorization_request_endpoint: `${gateway}/oauth/v1/par`, token_endpoint: `${gateway}/oauth/v1/token` };
      const rp: oauth.Client = { client_id: registered.client_id };
      const auth = oauth.ClientSecretBasic(registered.client_secret ?? '');
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const push = async () =>
        oauth.processPushedAuthorizationResponse(
          as,
          rp,
          await oauth.pushedAuthorizationRequest(as, rp, auth, { redirect_uri: redirectUri, scope: 'openid', response_type: 'code', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }, { [oauth.allowInsecureRequests]: true }),
        );
      const pushed = await push();
      expect(pushed.expires_in).toBe(90);
      const page = await newPage();
      const authorizeUrl = `${gateway}/oauth/v1/authorize?${new URLSearchParams({ client_id: registered.client_id, request_uri: pushed.request_uri })}`;
      const callback = await throughPages(page, authorizeUrl);
      const params = oauth.validateAuthResponse(as, rp, callback, state);
      const response = await oauth.authorizationCodeGrantRequest(as, rp, auth, params, redirectUri, verifier, { [oauth.allowInsecureRequests]: true });
      const tokens = await oauth.processAuthorizationCodeResponse(as, rp, response);
      expect(tokens.access_token).toEqual(expect.any(String));

      const reused = await page.goto(authorizeUrl);
      expect(reused?.status()).toBe(400);
      expect(await page.content()).toContain('invalid_request_uri');

      const stale = await push();
      await db.query("UPDATE auth.pushed_authorization_requests SET expires_at = now() - interval '1 second' WHERE used_at IS NULL");
      const expired = await page.goto(`${gateway}/oauth/authorize?${new URLSearchParams({ client_id: registered.client_id, request_uri: stale.request_uri })}`);
      expect(expired?.status()).toBe(400);
      expect(await page.content()).toContain('invalid_request_uri');

      // A PAR-only client cannot skip the push: an error at its registered redirect URI.
      const direct = await fetch(`${gateway}/oauth/authorize?${new URLSearchParams({ client_id: registered.client_id, response_type: 'code', redirect_uri: redirectUri, scope: 'openid', state: 's', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })}`, { redirect: 'manual' });
      expect(new URL(direct.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request');
      await page.close();
    });
  });

  describe('device flow (openid-client)', () => {
    it('issues a user code, approves it on /device after login and consent, and the poll gets tokens', async () => {
      const registered = await register({ client_type: 'public', token_endpoint_auth_method: 'none', allowed_grant_types: [DEVICE_GRANT, 'refresh_token'], redirect_uris: [] });
      const config = await configure(registered, '/oauth/v1');
      const device = await client.initiateDeviceAuthorization(config, { scope: 'openid profile' });
      expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      expect(device.verification_uri).toBe(`${gateway}/device`);

      const pending = await fetch(`${gateway}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: device.device_code, client_id: registered.client_id }).toString(),
      });
      expect(await pending.json()).toMatchObject({ error: 'authorization_pending' });

      const page = await newPage();
      await page.goto(`${gateway}/device`);
      await page.getByLabel('Code').fill(device.user_code.toLowerCase());
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL((url) => url.pathname !== '/device');
      if (page.url().includes('/oauth/login')) {
        await page.getByLabel('Email or username').fill(ADMIN_EMAIL);
        await page.getByLabel('Password').fill(ADMIN_PASSWORD);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.waitForURL((url) => url.pathname.startsWith('/oauth/consent'));
      }
      expect(await page.content()).toContain(device.user_code);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByText('Device connected').waitFor();

      await db.query('UPDATE auth.device_authorizations SET last_polled_at = NULL WHERE user_code = $1', [device.user_code]);
      const tokens = await client.pollDeviceAuthorizationGrant(config, { ...device, interval: 1 });
      expect(tokens.claims()).toMatchObject({ iss: issuer().href, aud: registered.client_id, preferred_username: ADMIN_EMAIL });
      expect(tokens.claims()?.['email']).toBeUndefined();
      await page.close();
    });
  });

  describe('RP-initiated logout', () => {
    it('ends the browser session: back at the registered post-logout URI with state, and the next authorization shows the login page', async () => {
      const registered = await register();
      const config = await configure(registered);
      const page = await newPage();
      const { callback, verifier, state, nonce } = await codeFlow(config, page);
      const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
      const logoutState = client.randomState();
      await page.goto(client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: postLogoutUri, state: logoutState }).toString());
      expect(page.url()).toBe(`${postLogoutUri}?state=${logoutState}`);
      expect(await oauthErrorOf(client.refreshTokenGrant(config, tokens.refresh_token ?? ''))).toBe('invalid_grant');
      await page.goto(client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString());
      expect(new URL(page.url()).pathname).toBe('/oauth/login');

      const unregistered = await page.goto(client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: `${postLogoutUri}/evil` }).toString());
      expect(unregistered?.status()).toBe(400);
      await page.close();
    });
  });

  describe('RFC 9700 negatives', () => {
    const authorize = (params: Record<string, string>, prefix = '/oauth') => fetch(`${gateway}${prefix}/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });

    it('never redirects to a redirect URI that is not exactly registered (prefix, suffix, port, case tricks)', async () => {
      const registered = await register();
      const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
      const port = new URL(redirectUri).port;
      for (const [index, trick] of [`${redirectUri}/x`, `${redirectUri}?next=1`, redirectUri.slice(0, -1), `http://127.0.0.1:${Number(port) + 1}/cb`, `http://localhost:${port}/cb`, `${redirectUri}.evil.test`].entries()) {
        const answer = await authorize({ response_type: 'code', client_id: registered.client_id, redirect_uri: trick, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }, PREFIXES[index % 3]);
        expect(answer.status).toBe(400);
        expect(answer.headers.get('location')).toBeNull();
        expect(answer.headers.get('content-type')).toContain('text/html');
      }
    });

    it('refuses a PKCE downgrade (plain, or no challenge) with invalid_request at the registered URI, and a verifier for a code without PKCE', async () => {
      const registered = await register();
      const verifier = client.randomPKCECodeVerifier();
      const downgrades: Array<Record<string, string>> = [{ code_challenge: verifier, code_challenge_method: 'plain' }, { code_challenge: verifier }, {}];
      for (const pkce of downgrades) {
        const answer = await authorize({ response_type: 'code', client_id: registered.client_id, redirect_uri: redirectUri, scope: 'openid', state: 'st', ...pkce });
        expect(answer.status).toBe(302);
        expect(Object.fromEntries(new URL(answer.headers.get('location') ?? '').searchParams)).toMatchObject({ error: 'invalid_request', state: 'st', iss: issuer().href });
      }

      const withoutPkce = await register({ require_pkce: false, first_party: true });
      const config = await configure(withoutPkce);
      const page = await newPage();
      const state = client.randomState();
      const callback = await throughPages(page, client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', state }));
      expect(await oauthErrorOf(client.authorizationCodeGrant(config, callback, { expectedState: state }, { code_verifier: verifier }))).toBe('invalid_grant');
      await page.close();
    });

    it('refuses implicit responses (unsupported_response_type) and treats a client of another tenant as unknown', async () => {
      const registered = await register();
      const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
      const implicit = await authorize({ response_type: 'token', client_id: registered.client_id, redirect_uri: redirectUri, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }, '/oauth/v1');
      expect(new URL(implicit.headers.get('location') ?? '').searchParams.get('error')).toBe('unsupported_response_type');

      const otherTenant = randomUUID();
      await db.query("INSERT INTO directory.tenants (id, name, slug) VALUES ($1, 'Other', $2)", [otherTenant, `other-${otherTenant.slice(0, 8)}`]);
      const crossTenant = await authorize({ response_type: 'code', client_id: registered.client_id, tenant_id: otherTenant, redirect_uri: redirectUri, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }, '/api/oauth');
      expect(crossTenant.status).toBe(400);
      expect(crossTenant.headers.get('location')).toBeNull();
      const token = await fetch(`${gateway}/oauth/token?tenant_id=${otherTenant}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${registered.client_id}:${registered.client_secret}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: redirectUri }).toString(),
      });
      expect(token.status).toBe(401);
      expect(await token.json()).toMatchObject({ error: 'invalid_client' });
    });
  });
});
