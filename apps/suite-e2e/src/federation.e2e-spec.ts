import { DistributedSuite, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { AccessTokenVerifier } from '@sigma/shared/util-auth';
import { decodeJwt } from 'jose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Client } from 'pg';
import { CookieJar, followSignIn, startUpstreamIdp, UpstreamIdp } from './support/upstream-idp';
import { startUpstreamOAuth2, UpstreamOAuth2 } from './support/upstream-oauth2';

jest.setTimeout(240000);

const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'e2e-bootstrap-password-1';
const USER_PASSWORD = 'Federation-E2E-password-7';
const UPSTREAM_CLIENT_ID = 'sigma-iam-e2e';
const UPSTREAM_SECRET = 'upstream-client-secret-that-must-never-be-answered';
const APP_CALLBACK = 'http://localhost:9/app/callback';
const PAGE_APP_CALLBACK = 'http://localhost:9/first-party/callback';

const ACCOUNTS = {
  alice: { email: 'alice@example.test', email_verified: true, given_name: 'Alice', family_name: 'Liddell' },
  bob: { email: 'bob@example.test', email_verified: true, given_name: 'Bob', family_name: 'Builder', picture: 'https://pictures.example/bob.png' },
  carol: { email: 'carol@example.test', email_verified: false, name: 'Carol Danvers' },
};
type Account = keyof typeof ACCOUNTS;

interface AdminError {
  success: false;
  error: string;
  code: string;
  details: { field?: string; message?: string; fields?: Array<{ field: string; message: string }> };
  timestamp: string;
  requestId: string;
}
interface SigmaError {
  error: { code: string; message: string; details: Array<{ field: string; message: string }>; request_id: string };
}
interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A JSON POST to the gateway from the loopback address `from` (Linux answers the whole of 127.0.0.0/8):
 * with TRUST_PROXY off the gateway sees that address as the client's, so one test can play several clients.
 */
function postFrom(from: string, url: string, body: unknown): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const outgoing = httpRequest(url, { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** Signs `account` in at the upstream the way a browser would and answers where the upstream finally sends the browser. */
function signInUpstream(authUrl: string, account: Account, upstreamOrigin: string): Promise<URL> {
  return followSignIn(authUrl, account, (url) => url.origin !== upstreamOrigin);
}

describe('social login and SSO providers through the gateway, against node-oidc-provider', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let upstream: UpstreamIdp;
  let db: Client;
  let gateway: string;
  let verifier: AccessTokenVerifier;
  let admin: string;
  let defaultTenantId: string;
  let app: { client_id: string; client_secret: string };

  async function call<T>(method: string, path: string, options: { token?: string; body?: unknown; raw?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.raw !== undefined || options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = options.raw ?? JSON.stringify(options.body);
    }
    const response = await fetch(`${gateway}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // a redirect or a page
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  async function login(username: string, password: string, tenantId?: string): Promise<string> {
    const answer = await call<{ access_token: string }>('POST', '/api/v1/auth/login', { body: { username, password, ...(tenantId ? { tenant_id: tenantId } : {}) } });
    expect(answer.status).toBe(200);
    return answer.body.access_token;
  }

  function expectAdminError(answer: Answer<unknown>, status: number, code: string, field?: string): void {
    expect(answer.status).toBe(status);
    const body = answer.body as AdminError;
    expect(body).toMatchObject({ success: false, error: expect.any(String), code, timestamp: expect.any(String), requestId: answer.headers.get('x-request-id') });
    if (field !== undefined) expect((body.details.fields ?? []).map((detail) => detail.field)).toContain(field);
  }

  function expectSigmaError(answer: Answer<unknown>, status: number, code: string, field?: string): void {
    expect(answer.status).toBe(status);
    const body = answer.body as SigmaError;
    expect(body.error).toMatchObject({ code, message: expect.any(String), request_id: answer.headers.get('x-request-id') });
    if (field !== undefined) expect(body.error.details.map((detail) => detail.field)).toContain(field);
  }

  const googleProvider = (overrides: Record<string, unknown> = {}, metadata: Record<string, boolean> = {}) => ({
    name: 'Google',
    config: { clientId: UPSTREAM_CLIENT_ID, clientSecret: UPSTREAM_SECRET, issuer: upstream.issuer, ...overrides },
    metadata: { requireEmailVerified: true, autoLinkByEmail: false, ...metadata },
  });

  async function putProvider(token: string, body: unknown): Promise<Answer<{ success: boolean; provider: Record<string, unknown> }>> {
    return call('PUT', '/api/admin/identity/sso-providers', { token, body });
  }

  /** Seed 002's flow: GET /sso, the browser at the upstream, POST /sso with the code the application's callback received. */
  async function ssoSignIn(account: Account, tamper?: (authUrl: URL) => void): Promise<Answer<Record<string, unknown>>> {
    const started = await call<{ success: boolean; authUrl: string; state: string }>('GET', `/api/admin/identity/sso?provider=google&clientId=${app.client_id}&redirectUri=${encodeURIComponent(APP_CALLBACK)}`);
    expect(started.status).toBe(200);
    const authUrl = new URL(started.body.authUrl);
    tamper?.(authUrl);
    const landed = await signInUpstream(authUrl.href, account, new URL(upstream.issuer).origin);
    expect(`${landed.origin}${landed.pathname}`).toBe(APP_CALLBACK);
    expect(landed.searchParams.get('state')).toBe(started.body.state);
    return call('POST', '/api/admin/identity/sso', { body: { provider: 'google', code: landed.searchParams.get('code'), state: started.body.state, clientId: app.client_id } });
  }

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD });
    gateway = suite.gateway.url;
    upstream = await startUpstreamIdp({
      clients: [{ client_id: UPSTREAM_CLIENT_ID, client_secret: UPSTREAM_SECRET, redirect_uris: [`${gateway}/api/v1/auth/social/google/callback`, APP_CALLBACK] }],
      accounts: ACCOUNTS,
    });
    db = new Client({ connectionString: postgres.url });
    await db.connect();
    defaultTenantId = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'")).rows[0].id;
    verifier = new AccessTokenVerifier({ publicUrl: gateway, jwksUrl: (tenantId) => `${gateway}/.well-known/jwks.json?tenant_id=${tenantId}` });
    admin = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const registered = await call<{ client_id: string; client_secret: string }>('POST', '/api/v1/applications', {
      token: admin,
      body: { client_name: 'Federation app', client_type: 'confidential', redirect_uris: [APP_CALLBACK] },
    });
    expect(registered.status).toBe(201);
    app = registered.body;
    expect((await putProvider(admin, googleProvider())).status).toBe(201);
  });

  afterAll(async () => {
    await upstream?.stop();
    await db?.end();
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  describe('GET/PUT /api/admin/identity/sso-providers', () => {
    it('creates a provider from the google preset with overridden endpoints, in the seed shape, and never answers the secret', async () => {
      const answer = await putProvider(admin, { ...googleProvider(), displayName: 'Continue with Google', enabled: true });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        success: true,
        message: expect.any(String),
        provider: {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name: 'Google',
          displayName: 'Continue with Google',
          type: 'oidc',
          enabled: true,
          config: { clientId: UPSTREAM_CLIENT_ID, scope: ['openid', 'email', 'profile'], issuer: upstream.issuer, clientSecretSet: true },
          icon: 'https://developers.google.com/identity/images/g-logo.png',
          color: '#4285f4',
          metadata: { allowSignup: true, requireEmailVerified: true, autoLinkByEmail: false },
        },
      });
      // Endpoints given replace the preset's as a whole: accounts.google.com is not called.
      expect(JSON.stringify(answer.body)).not.toContain('accounts.google.com');
      expect(JSON.stringify(answer.body)).not.toContain(UPSTREAM_SECRET);

      const listed = await call<{ success: boolean; providers: Array<Record<string, unknown>>; total: number }>('GET', '/api/admin/identity/sso-providers', { token: admin });
      expect(listed.status).toBe(200);
      expect(listed.body).toMatchObject({ success: true, total: 1, message: 'SSO providers retrieved successfully' });
      expect(listed.body.providers[0]).toMatchObject({ id: answer.body.provider['id'], statistics: { totalLogins: expect.any(Number), createdAt: expect.any(String), updatedAt: expect.any(String) } });
      expect(JSON.stringify(listed.body)).not.toContain(UPSTREAM_SECRET);
      const disabledOnly = await call<{ total: number }>('GET', '/api/admin/identity/sso-providers?enabled=false', { token: admin });
      expect(disabledOnly.body.total).toBe(0);

      const stored = await db.query('SELECT client_secret_sealed FROM auth.sso_providers WHERE id = $1', [answer.body.provider['id']]);
      expect(stored.rows[0].client_secret_sealed).toMatch(/^v1\./);
      expect(stored.rows[0].client_secret_sealed).not.toContain(UPSTREAM_SECRET);
    });

    it('creates seed 002\'s GitHub example (201) with the preset\'s real endpoints', async () => {
      const answer = await putProvider(admin, {
        name: 'GitHub',
        type: 'oauth2',
        displayName: 'Continue with GitHub',
        config: { clientId: 'your-github-client-id', clientSecret: 'your-github-client-secret', scope: 'user:email' },
        icon: 'github',
        color: '#333333',
        enabled: false,
      });
      expect(answer.status).toBe(201);
      expect(answer.body.provider).toMatchObject({
        name: 'GitHub',
        type: 'oauth2',
        enabled: false,
        config: { clientId: 'your-github-client-id', scope: ['user:email'], authUrl: 'https://github.com/login/oauth/authorize', tokenUrl: 'https://github.com/login/oauth/access_token', userInfoUrl: 'https://api.github.com/user' },
        metadata: { allowSignup: true, requireEmailVerified: false, autoLinkByEmail: false },
      });
      expect(JSON.stringify(answer.body)).not.toContain('your-github-client-secret');
      const enabled = await call<{ providers: Array<{ name: string }> }>('GET', '/api/admin/identity/sso-providers?enabled=true', { token: admin });
      expect(enabled.body.providers.map((p) => p.name)).toEqual(['Google']);
    });

    it('is documented in the merged OpenAPI document', async () => {
      const document = (await (await fetch(`${gateway}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      expect(Object.keys(document.paths['/api/admin/identity/sso-providers'] ?? {})).toEqual(expect.arrayContaining(['get', 'put']));
      expect(Object.keys(document.paths['/api/admin/identity/sso'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
      expect(Object.keys(document.paths['/api/v1/auth/social/{provider}'] ?? {})).toEqual(['get']);
      expect(JSON.stringify(document.paths['/api/admin/identity/sso-providers'])).not.toContain('clientSecretSealed');
    });

    it('answers bad input with the admin envelope and stores nothing', async () => {
      const before = (await db.query('SELECT count(*)::int AS n FROM auth.sso_providers')).rows[0].n;
      expectAdminError(await putProvider(admin, { name: 'Acme' }), 400, 'VALIDATION_ERROR', 'config');
      expectAdminError(await putProvider(admin, { name: 'Acme', type: 'oauth2', config: { clientId: 'x', clientSecret: 'y', authUrl: 'http://idp.example/auth', tokenUrl: 'https://idp.example/token' } }), 400, 'VALIDATION_ERROR', 'config.authUrl');
      expectAdminError(await putProvider(admin, { name: 'Acme', type: 'oauth2', config: { clientId: 'x', clientSecret: 'y', authUrl: 'https://idp.example/auth', tokenUrl: 'https://idp.example/token' } }), 400, 'VALIDATION_ERROR', 'config.userInfoUrl');
      expectAdminError(await putProvider(admin, { name: 'Acme', type: 'oidc', config: { clientId: 'x', issuer: 'https://idp.example' } }), 400, 'VALIDATION_ERROR', 'config.clientSecret');
      expectAdminError(await putProvider(admin, { ...googleProvider(), admin: true }), 400, 'VALIDATION_ERROR');
      expectAdminError(await putProvider(admin, { name: 'Acme', config: [] }), 400, 'VALIDATION_ERROR', 'config');
      expectAdminError(await putProvider(admin, { ...googleProvider(), metadata: 'yes' }), 400, 'VALIDATION_ERROR', 'metadata');
      expectAdminError(await putProvider(admin, { ...googleProvider({ scope: 42 }) }), 400, 'VALIDATION_ERROR', 'config.scope');
      expectAdminError(await call('PUT', '/api/admin/identity/sso-providers', { token: admin, raw: '{"name": "Acme",' }), 400, 'VALIDATION_ERROR');
      expectAdminError(await call('GET', '/api/admin/identity/sso-providers?enabled=maybe', { token: admin }), 400, 'VALIDATION_ERROR', 'enabled');
      expect((await db.query('SELECT count(*)::int AS n FROM auth.sso_providers')).rows[0].n).toBe(before);
    });

    it('needs a token (401) with sso-providers permissions (403)', async () => {
      expectAdminError(await call('GET', '/api/admin/identity/sso-providers'), 401, 'INVALID_TOKEN');
      expectAdminError(await putProvider('not-a-token', googleProvider()), 401, 'INVALID_TOKEN');
      const email = `plain-${randomUUID().slice(0, 8)}@example.test`;
      expect((await call('POST', '/api/v1/users', { token: admin, body: { email, password: USER_PASSWORD } })).status).toBe(201);
      const plain = await login(email, USER_PASSWORD);
      expectAdminError(await call('GET', '/api/admin/identity/sso-providers', { token: plain }), 403, 'INSUFFICIENT_PERMISSIONS');
      expectAdminError(await putProvider(plain, googleProvider()), 403, 'INSUFFICIENT_PERMISSIONS');
    });
  });

  describe('seed 002: GET/POST /api/admin/identity/sso', () => {
    it('answers the upstream authorization URL with state, PKCE S256 and a nonce', async () => {
      const answer = await call<{ success: boolean; authUrl: string; state: string; message: string }>(
        'GET',
        `/api/admin/identity/sso?provider=google&clientId=${app.client_id}&redirectUri=${encodeURIComponent(APP_CALLBACK)}`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ success: true, state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), message: 'Redirect to Google for authentication' });
      const authUrl = new URL(answer.body.authUrl);
      expect(`${authUrl.origin}`).toBe(new URL(upstream.issuer).origin);
      expect(Object.fromEntries(authUrl.searchParams)).toMatchObject({
        client_id: UPSTREAM_CLIENT_ID,
        redirect_uri: APP_CALLBACK,
        response_type: 'code',
        scope: 'openid email profile',
        state: answer.body.state,
        code_challenge_method: 'S256',
        code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
    });

    it('signs a new upstream user up, and the same user in again; tokens verify', async () => {
      const first = await ssoSignIn('bob');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        success: true,
        user: { id: expect.any(String), email: 'bob@example.test', firstName: 'Bob', lastName: 'Builder', avatar: 'https://pictures.example/bob.png', verified: true },
        tokens: { accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, tokenType: 'Bearer' },
        provider: 'google',
        message: 'Google authentication successful',
      });
      const user = first.body['user'] as { id: string };
      const tokens = first.body['tokens'] as { accessToken: string };
      await expect(verifier.verify(tokens.accessToken)).resolves.toMatchObject({ tenantId: defaultTenantId, userId: user.id, clientId: app.client_id, roles: ['user'] });

      const again = await ssoSignIn('bob');
      expect(again.status).toBe(200);
      expect((again.body['user'] as { id: string }).id).toBe(user.id);
      const links = await db.query('SELECT issuer, subject, provider FROM directory.external_identities WHERE user_id = $1', [user.id]);
      expect(links.rows).toEqual([{ issuer: upstream.issuer, subject: 'bob', provider: 'google' }]);
      const provider = await db.query("SELECT total_logins FROM auth.sso_providers WHERE tenant_id = $1 AND key = 'google'", [defaultTenantId]);
      expect(Number(provider.rows[0].total_logins)).toBeGreaterThanOrEqual(2);
    });

    it('links to an existing account by verified email only when autoLinkByEmail allows it', async () => {
      const existing = await call<{ id: string }>('POST', '/api/v1/users', { token: admin, body: { email: 'alice@example.test', password: USER_PASSWORD } });
      expect(existing.status).toBe(201);
      const refused = await ssoSignIn('alice');
      expectAdminError(refused, 409, 'CONFLICT');
      expect((await db.query('SELECT count(*)::int AS n FROM directory.external_identities WHERE subject = $1', ['alice'])).rows[0].n).toBe(0);

      expect((await putProvider(admin, googleProvider({}, { autoLinkByEmail: true }))).status).toBe(200);
      try {
        const linked = await ssoSignIn('alice');
        expect(linked.status).toBe(200);
        expect((linked.body['user'] as { id: string }).id).toBe(existing.body.id);
        // An unverified email is never linked, even when linking is allowed (and requireEmailVerified is off).
        expect((await putProvider(admin, googleProvider({}, { autoLinkByEmail: true, requireEmailVerified: false }))).status).toBe(200);
        expect((await call('POST', '/api/v1/users', { token: admin, body: { email: 'carol@example.test', password: USER_PASSWORD } })).status).toBe(201);
        expectAdminError(await ssoSignIn('carol'), 409, 'CONFLICT');
      } finally {
        expect((await putProvider(admin, googleProvider())).status).toBe(200);
      }
    });

    it('refuses an unverified email when the provider requires verified ones (403)', async () => {
      expectAdminError(await ssoSignIn('carol'), 403, 'INSUFFICIENT_PERMISSIONS');
    });

    it('refuses a mismatched or replayed state (400) and a nonce that does not match (401)', async () => {
      const started = await call<{ authUrl: string; state: string }>('GET', `/api/admin/identity/sso?provider=google&clientId=${app.client_id}&redirectUri=${encodeURIComponent(APP_CALLBACK)}`);
      const landed = await signInUpstream(started.body.authUrl, 'bob', new URL(upstream.issuer).origin);
      const code = landed.searchParams.get('code');
      expectAdminError(await call('POST', '/api/admin/identity/sso', { body: { provider: 'google', code, state: 'forged-state-value', clientId: app.client_id } }), 400, 'VALIDATION_ERROR', 'state');
      const used = await call('POST', '/api/admin/identity/sso', { body: { provider: 'google', code, state: started.body.state, clientId: app.client_id } });
      expect(used.status).toBe(200);
      expectAdminError(await call('POST', '/api/admin/identity/sso', { body: { provider: 'google', code, state: started.body.state, clientId: app.client_id } }), 400, 'VALIDATION_ERROR', 'state');

      const tampered = await ssoSignIn('bob', (authUrl) => authUrl.searchParams.set('nonce', 'a-nonce-the-suite-never-issued-aaaaaaaaaaaa'));
      expectAdminError(tampered, 401, 'INVALID_CREDENTIALS');
    });

    it('refuses unregistered redirect URIs, unknown providers and clients, and bad input with 400, never 500', async () => {
      expectAdminError(await call('GET', `/api/admin/identity/sso?provider=google&clientId=${app.client_id}&redirectUri=${encodeURIComponent('https://evil.example/cb')}`), 400, 'VALIDATION_ERROR', 'redirectUri');
      expectAdminError(await call('GET', `/api/admin/identity/sso?provider=github&clientId=${app.client_id}`), 400, 'VALIDATION_ERROR', 'provider');
      expectAdminError(await call('GET', `/api/admin/identity/sso?provider=nope&clientId=${app.client_id}`), 400, 'VALIDATION_ERROR', 'provider');
      expectAdminError(await call('GET', '/api/admin/identity/sso?provider=google&clientId=unknown-client'), 400, 'VALIDATION_ERROR', 'clientId');
      expectAdminError(await call('GET', '/api/admin/identity/sso?clientId=x'), 400, 'VALIDATION_ERROR', 'provider');
      expectAdminError(await call('POST', '/api/admin/identity/sso', { body: { provider: 'google', state: 'x', clientId: app.client_id } }), 400, 'VALIDATION_ERROR', 'code');
      expectAdminError(await call('POST', '/api/admin/identity/sso', { raw: '{"provider":' }), 400, 'VALIDATION_ERROR');
      const started = await call<{ state: string }>('GET', `/api/admin/identity/sso?provider=google&clientId=${app.client_id}`);
      expect(started.status).toBe(200);
      expectAdminError(await call('POST', '/api/admin/identity/sso', { body: { provider: 'google', code: 'made-up-code', state: started.body.state, clientId: app.client_id } }), 401, 'INVALID_CREDENTIALS');
    });
  });

  describe('seed 000: GET /api/v1/auth/social/{provider}', () => {
    it('redirects to the provider and, after its callback, to the application with a one-time code for the login answer', async () => {
      const started = await call('GET', `/api/v1/auth/social/google?redirect_uri=${encodeURIComponent(APP_CALLBACK)}&state=app-state-123`);
      expect(started.status).toBe(302);
      const authUrl = new URL(started.headers.get('location') ?? '');
      expect(authUrl.origin).toBe(new URL(upstream.issuer).origin);
      expect(authUrl.searchParams.get('redirect_uri')).toBe(`${gateway}/api/v1/auth/social/google/callback`);
      expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authUrl.searchParams.get('nonce')).toEqual(expect.any(String));
      expect(authUrl.searchParams.get('state')).not.toBe('app-state-123');

      const callback = await signInUpstream(authUrl.href, 'bob', new URL(upstream.issuer).origin);
      expect(`${callback.origin}${callback.pathname}`).toBe(`${gateway}/api/v1/auth/social/google/callback`);
      const back = await call('GET', `${callback.pathname}${callback.search}`);
      expect(back.status).toBe(302);
      const landed = new URL(back.headers.get('location') ?? '');
      expect(`${landed.origin}${landed.pathname}`).toBe(APP_CALLBACK);
      expect(landed.searchParams.get('state')).toBe('app-state-123');
      expect(landed.searchParams.get('iss')).toBe(`${gateway}/oauth/tenants/${defaultTenantId}`);
      const code = landed.searchParams.get('code') ?? '';

      const basic = `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}`;
      const redeemed = await call<{ access_token: string; user: { email: string }; mfa_required: boolean }>('POST', '/api/v1/auth/social/token', {
        form: { grant_type: 'authorization_code', code, redirect_uri: APP_CALLBACK },
        headers: { authorization: basic },
      });
      expect(redeemed.status).toBe(200);
      expect(redeemed.body).toMatchObject({ mfa_required: false, token_type: 'Bearer', user: { email: 'bob@example.test' } });
      await expect(verifier.verify(redeemed.body.access_token)).resolves.toMatchObject({ tenantId: defaultTenantId, clientId: app.client_id });
      expectSigmaError(await call('POST', '/api/v1/auth/social/token', { form: { code, redirect_uri: APP_CALLBACK }, headers: { authorization: basic } }), 400, 'VALIDATION_ERROR', 'code');
      // A replayed upstream callback finds no pending sign-in.
      expectSigmaError(await call('GET', `${callback.pathname}${callback.search}`), 400, 'VALIDATION_ERROR', 'state');
    });

    it('sends the application an error when the upstream answer fails its checks (nonce)', async () => {
      const started = await call('GET', `/api/v1/auth/social/google?redirect_uri=${encodeURIComponent(APP_CALLBACK)}&state=s1&client_id=${app.client_id}`);
      const authUrl = new URL(started.headers.get('location') ?? '');
      authUrl.searchParams.set('nonce', 'a-nonce-the-suite-never-issued-bbbbbbbbbbbb');
      const callback = await signInUpstream(authUrl.href, 'bob', new URL(upstream.issuer).origin);
      const back = await call('GET', `${callback.pathname}${callback.search}`);
      expect(back.status).toBe(302);
      const landed = new URL(back.headers.get('location') ?? '');
      expect(Object.fromEntries(landed.searchParams)).toMatchObject({ error: 'access_denied', state: 's1' });
      expect(landed.searchParams.has('code')).toBe(false);
    });

    it('refuses unregistered redirect URIs, unknown providers and forged states with 400 in the Sigma body', async () => {
      expectSigmaError(await call('GET', `/api/v1/auth/social/google?redirect_uri=${encodeURIComponent('https://evil.example/cb')}`), 400, 'VALIDATION_ERROR', 'redirect_uri');
      expectSigmaError(await call('GET', `/api/v1/auth/social/google?redirect_uri=${encodeURIComponent('https://evil.example/cb')}&client_id=${app.client_id}`), 400, 'VALIDATION_ERROR', 'redirect_uri');
      expectSigmaError(await call('GET', `/api/v1/auth/social/facebook?redirect_uri=${encodeURIComponent(APP_CALLBACK)}`), 400, 'VALIDATION_ERROR', 'provider');
      expectSigmaError(await call('GET', '/api/v1/auth/social/google'), 400, 'VALIDATION_ERROR', 'redirect_uri');
      expectSigmaError(await call('GET', '/api/v1/auth/social/google/callback?code=x&state=forged'), 400, 'VALIDATION_ERROR', 'state');
      expectSigmaError(await call('GET', '/api/v1/auth/social/google/callback?code=x&state=a&state=b'), 400, 'VALIDATION_ERROR', 'state');
      expectSigmaError(await call('POST', '/api/v1/auth/social/token', { form: { code: 'x', redirect_uri: APP_CALLBACK, client_id: app.client_id } }), 400, 'VALIDATION_ERROR', 'code');
      // A seed 002 state is not accepted by the seed 000 callback.
      const sso = await call<{ state: string }>('GET', `/api/admin/identity/sso?provider=google&clientId=${app.client_id}`);
      expectSigmaError(await call('GET', `/api/v1/auth/social/google/callback?code=x&state=${sso.body.state}`), 400, 'VALIDATION_ERROR', 'state');
    });
  });

  describe("the login page's buttons", () => {
    it('finishes a pending OAuth authorization through the provider, in the browser that started it', async () => {
      const registered = await call<{ application: { clientId: string; clientSecret: string } }>('POST', '/api/admin/identity/applications', {
        token: admin,
        body: { name: `First party ${randomUUID().slice(0, 6)}`, callbackUrls: [PAGE_APP_CALLBACK], status: 'active', firstParty: true },
      });
      expect(registered.status).toBe(201);
      const { clientId, clientSecret } = registered.body.application;
      const verifierValue = randomBytes(32).toString('base64url');
      const authorize = new URL(`${gateway}/oauth/v1/authorize`);
      for (const [name, value] of Object.entries({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: PAGE_APP_CALLBACK,
        scope: 'openid email profile',
        state: 'page-state',
        code_challenge: createHash('sha256').update(verifierValue).digest('base64url'),
        code_challenge_method: 'S256',
      })) {
        authorize.searchParams.set(name, value);
      }
      const browser = new CookieJar();
      const visit = async (url: string): Promise<Response> => {
        const response = await fetch(url, { headers: { cookie: browser.header() }, redirect: 'manual' });
        browser.store(response);
        return response;
      };
      const toLogin = await visit(authorize.href);
      expect(toLogin.status).toBe(302);
      const loginPage = await visit(new URL(toLogin.headers.get('location') ?? '', gateway).href);
      expect(loginPage.status).toBe(200);
      const page = await loginPage.text();
      const link = /href="(\/api\/v1\/auth\/social\/google\?login_challenge=[^"]+)"/.exec(page);
      expect(link).not.toBeNull();
      expect(page).toContain('Continue with Google');
      expect(page).not.toContain('Continue with GitHub');

      const toUpstream = await visit(new URL((link?.[1] ?? '').replace(/&amp;/g, '&'), gateway).href);
      expect(toUpstream.status).toBe(302);
      const callback = await signInUpstream(toUpstream.headers.get('location') ?? '', 'bob', new URL(upstream.issuer).origin);
      expect(callback.pathname).toBe('/api/v1/auth/social/google/callback');

      // Another browser (without the binding cookie) cannot use this callback.
      const stranger = await fetch(callback.href, { redirect: 'manual' });
      expect(stranger.status).toBe(400);

      // The same sign-in again, now completed in the browser that started it.
      const again = await visit(new URL((link?.[1] ?? '').replace(/&amp;/g, '&'), gateway).href);
      expect(again.status).toBe(302);
      const secondCallback = await signInUpstream(again.headers.get('location') ?? '', 'bob', new URL(upstream.issuer).origin);
      const finished = await visit(secondCallback.href);
      expect([302, 303]).toContain(finished.status);
      const landed = new URL(finished.headers.get('location') ?? '', gateway);
      expect(`${landed.origin}${landed.pathname}`).toBe(PAGE_APP_CALLBACK);
      expect(landed.searchParams.get('state')).toBe('page-state');
      const code = landed.searchParams.get('code') ?? '';
      expect(code).not.toBe('');

      const token = await fetch(`${gateway}/oauth/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: PAGE_APP_CALLBACK, code_verifier: verifierValue }).toString(),
      });
      expect(token.status).toBe(200);
      const tokens = (await token.json()) as { id_token: string; access_token: string };
      const bob = await db.query("SELECT user_id FROM directory.external_identities WHERE subject = 'bob'");
      expect(decodeJwt(tokens.id_token)).toMatchObject({ sub: bob.rows[0].user_id, aud: clientId });
    });
  });

  describe('a plain OAuth 2.0 provider (the GitHub preset) on loopback: code, token, user and emails endpoints, no ID token', () => {
    const GITHUB_CLIENT_ID = 'sigma-iam-github-e2e';
    const GITHUB_SECRET = 'github-client-secret-that-must-never-be-answered';
    let github: UpstreamOAuth2;
    const githubProvider = (metadata: Record<string, boolean> = {}) => ({
      name: 'GitHub',
      type: 'oauth2',
      config: { clientId: GITHUB_CLIENT_ID, clientSecret: GITHUB_SECRET, authUrl: github.authUrl, tokenUrl: github.tokenUrl, userInfoUrl: github.userInfoUrl, emailsUrl: github.emailsUrl },
      enabled: true,
      metadata: { autoLinkByEmail: false, ...metadata },
    });
    /** The browser at the upstream, signed in there as `account`: where the upstream sends it back. */
    const atUpstream = async (authUrl: string, account: string): Promise<URL> => {
      const answer = await fetch(authUrl, { redirect: 'manual', headers: { cookie: `upstream_account=${account}` } });
      expect(answer.status).toBe(302);
      return new URL(answer.headers.get('location') ?? '');
    };
    const githubSso = async (account: string): Promise<Answer<Record<string, unknown>>> => {
      const started = await call<{ authUrl: string; state: string }>('GET', `/api/admin/identity/sso?provider=github&clientId=${app.client_id}&redirectUri=${encodeURIComponent(APP_CALLBACK)}`);
      expect(started.status).toBe(200);
      const landed = await atUpstream(started.body.authUrl, account);
      expect(`${landed.origin}${landed.pathname}`).toBe(APP_CALLBACK);
      expect(landed.searchParams.get('state')).toBe(started.body.state);
      return call('POST', '/api/admin/identity/sso', { body: { provider: 'github', code: landed.searchParams.get('code'), state: started.body.state, clientId: app.client_id } });
    };

    beforeAll(async () => {
      github = await startUpstreamOAuth2({
        clientId: GITHUB_CLIENT_ID,
        clientSecret: GITHUB_SECRET,
        redirectUris: [`${gateway}/api/v1/auth/social/github/callback`, APP_CALLBACK],
        accounts: {
          octocat: { id: 583231, login: 'octocat', name: 'Mona Lisa Octocat', email: null, avatar_url: 'https://avatars.example/u/583231', emails: [{ email: 'mona@example.test', primary: true, verified: true }] },
          dave: { id: 4242, login: 'dave', name: 'Dave Lister', email: 'dave@example.test', avatar_url: 'https://avatars.example/u/4242', emails: [{ email: 'dave@example.test', primary: true, verified: true }] },
          erin: { id: 777, login: 'erin', name: 'Erin Unverified', email: 'erin@example.test', avatar_url: 'https://avatars.example/u/777', emails: [{ email: 'erin@example.test', primary: true, verified: false }] },
        },
      });
      const configured = await putProvider(admin, githubProvider());
      expect([200, 201]).toContain(configured.status);
      expect(JSON.stringify(configured.body)).not.toContain(GITHUB_SECRET);
    });

    afterAll(async () => {
      await github?.stop();
    });

    it("seed 002: signs a new user up from the profile and the verified primary email, and the same user in again", async () => {
      const started = await call<{ authUrl: string; state: string }>('GET', `/api/admin/identity/sso?provider=github&clientId=${app.client_id}&redirectUri=${encodeURIComponent(APP_CALLBACK)}`);
      const authUrl = new URL(started.body.authUrl);
      expect(`${authUrl.origin}${authUrl.pathname}`).toBe(github.authUrl);
      expect(Object.fromEntries(authUrl.searchParams)).toMatchObject({ client_id: GITHUB_CLIENT_ID, redirect_uri: APP_CALLBACK, response_type: 'code', scope: 'read:user user:email', state: started.body.state, code_challenge_method: 'S256' });
      // Plain OAuth 2.0: no nonce, no ID token.
      expect(authUrl.searchParams.has('nonce')).toBe(false);

      const first = await githubSso('octocat');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        success: true,
        user: { id: expect.any(String), email: 'mona@example.test', firstName: 'Mona', lastName: 'Lisa Octocat', avatar: 'https://avatars.example/u/583231', verified: true },
        tokens: { accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, tokenType: 'Bearer' },
        provider: 'github',
      });
      const user = first.body['user'] as { id: string };
      await expect(verifier.verify((first.body['tokens'] as { accessToken: string }).accessToken)).resolves.toMatchObject({ tenantId: defaultTenantId, userId: user.id, clientId: app.client_id });
      // The preset authenticates with client_secret_post and sends PKCE, which the upstream verified.
      expect(github.tokenRequests.at(-1)).toEqual({ clientAuth: 'client_secret_post', pkce: true });
      const links = await db.query('SELECT issuer, subject, provider FROM directory.external_identities WHERE user_id = $1', [user.id]);
      expect(links.rows).toEqual([{ issuer: github.userInfoUrl, subject: '583231', provider: 'github' }]);

      const again = await githubSso('octocat');
      expect(again.status).toBe(200);
      expect((again.body['user'] as { id: string }).id).toBe(user.id);
    });

    it('links to an existing account by the verified email only when autoLinkByEmail allows it; never an unverified one', async () => {
      const existing = await call<{ id: string }>('POST', '/api/v1/users', { token: admin, body: { email: 'dave@example.test', password: USER_PASSWORD } });
      expect(existing.status).toBe(201);
      expectAdminError(await githubSso('dave'), 409, 'CONFLICT');
      expect((await db.query("SELECT count(*)::int AS n FROM directory.external_identities WHERE provider = 'github' AND subject = '4242'")).rows[0].n).toBe(0);

      expect((await putProvider(admin, githubProvider({ autoLinkByEmail: true }))).status).toBe(200);
      const linked = await githubSso('dave');
      expect(linked.status).toBe(200);
      expect((linked.body['user'] as { id: string }).id).toBe(existing.body.id);
      await expect(verifier.verify((linked.body['tokens'] as { accessToken: string }).accessToken)).resolves.toMatchObject({ userId: existing.body.id });

      // erin's address is not verified at the upstream: even with linking allowed, no link.
      expect((await call('POST', '/api/v1/users', { token: admin, body: { email: 'erin@example.test', password: USER_PASSWORD } })).status).toBe(201);
      expectAdminError(await githubSso('erin'), 409, 'CONFLICT');
      expect((await db.query("SELECT count(*)::int AS n FROM directory.external_identities WHERE provider = 'github' AND subject = '777'")).rows[0].n).toBe(0);
    });

    it('seed 000: GET /api/v1/auth/social/github redirects upstream and, after the callback, to the application with a code for the login answer', async () => {
      const started = await call('GET', `/api/v1/auth/social/github?redirect_uri=${encodeURIComponent(APP_CALLBACK)}&state=gh-state-1`);
      expect(started.status).toBe(302);
      const authUrl = new URL(started.headers.get('location') ?? '');
      expect(`${authUrl.origin}${authUrl.pathname}`).toBe(github.authUrl);
      expect(authUrl.searchParams.get('redirect_uri')).toBe(`${gateway}/api/v1/auth/social/github/callback`);
      expect(authUrl.searchParams.has('nonce')).toBe(false);
      const callback = await atUpstream(authUrl.href, 'octocat');
      expect(`${callback.origin}${callback.pathname}`).toBe(`${gateway}/api/v1/auth/social/github/callback`);
      const back = await call('GET', `${callback.pathname}${callback.search}`);
      expect(back.status).toBe(302);
      const landed = new URL(back.headers.get('location') ?? '');
      expect(`${landed.origin}${landed.pathname}`).toBe(APP_CALLBACK);
      expect(landed.searchParams.get('state')).toBe('gh-state-1');
      const basic = `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}`;
      const redeemed = await call<{ access_token: string; user: { id: string; email: string } }>('POST', '/api/v1/auth/social/token', {
        form: { grant_type: 'authorization_code', code: landed.searchParams.get('code') ?? '', redirect_uri: APP_CALLBACK },
        headers: { authorization: basic },
      });
      expect(redeemed.status).toBe(200);
      expect(redeemed.body.user).toMatchObject({ email: 'mona@example.test' });
      const mona = await db.query("SELECT user_id FROM directory.external_identities WHERE provider = 'github' AND subject = '583231'");
      await expect(verifier.verify(redeemed.body.access_token)).resolves.toMatchObject({ tenantId: defaultTenantId, userId: mona.rows[0].user_id, clientId: app.client_id });

      // The upstream refusing the sign-in (no account there) reaches the application as an error, with its state.
      const refusedStart = await call('GET', `/api/v1/auth/social/github?redirect_uri=${encodeURIComponent(APP_CALLBACK)}&state=gh-state-2`);
      const refusedCallback = await atUpstream(refusedStart.headers.get('location') ?? '', 'nobody');
      expect(refusedCallback.searchParams.get('error')).toBe('access_denied');
      const refusedBack = await call('GET', `${refusedCallback.pathname}${refusedCallback.search}`);
      expect(refusedBack.status).toBe(302);
      const refusedLanded = new URL(refusedBack.headers.get('location') ?? '');
      expect(`${refusedLanded.origin}${refusedLanded.pathname}`).toBe(APP_CALLBACK);
      expect(refusedLanded.searchParams.get('state')).toBe('gh-state-2');
      expect(refusedLanded.searchParams.get('error')).toBe('access_denied');
      expect(refusedLanded.searchParams.has('code')).toBe(false);
    });
  });

  describe('per-IP brute-force lockout (CLIENT_IP_LOCKOUT_*, default 20 failures)', () => {
    it('locks an address after failures across many usernames, with Retry-After in the body; another address still signs in', async () => {
      const email = `sprayed-${randomUUID().slice(0, 8)}@example.test`;
      expect((await call('POST', '/api/v1/users', { token: admin, body: { email, password: USER_PASSWORD } })).status).toBe(201);
      const sprayer = '127.0.0.23';
      const loginUrl = `${gateway}/api/v1/auth/login`;
      // 20 failures, at most two per username (no account reaches its own lock of 5): one real account, the rest unknown.
      for (let attempt = 0; attempt < 20; attempt += 1) {
        const username = attempt < 2 ? email : `spray-${attempt % 10}-${randomUUID().slice(0, 4)}@example.test`;
        const failed = await postFrom(sprayer, loginUrl, { username, password: `Wrong-password-${attempt}` });
        expect(failed.status).toBe(401);
        expect(failed.body['error']).toMatchObject({ code: 'INVALID_CREDENTIALS' });
      }
      // The address is locked now: even the right password of an untouched account is refused, in the Sigma body with Retry-After.
      const locked = await postFrom(sprayer, loginUrl, { username: email, password: USER_PASSWORD });
      expect(locked.status).toBe(429);
      const retryAfter = Number(locked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(30);
      expect(locked.body['error']).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', retry_after: retryAfter, request_id: locked.headers['x-request-id'] });
      // Seed 002's family answers the same lock in its envelope.
      const adminFamily = await postFrom(sprayer, `${gateway}/api/admin/identity/auth`, { action: 'login', email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      expect(adminFamily.status).toBe(429);
      expect(adminFamily.body).toMatchObject({ success: false, code: 'RATE_LIMIT_EXCEEDED', retryAfter: Number(adminFamily.headers['retry-after']) });
      // The same account from another address signs in at once: the lock is the address's, not the account's.
      const elsewhere = await postFrom('127.0.0.24', loginUrl, { username: email, password: USER_PASSWORD });
      expect(elsewhere.status).toBe(200);
      expect(elsewhere.body).toMatchObject({ access_token: expect.any(String) });
      expect(await login(ADMIN_EMAIL, ADMIN_PASSWORD)).toEqual(expect.any(String));
    });
  });

  describe('tenant isolation', () => {
    it("keeps each tenant's providers apart", async () => {
      const tenant = await call<{ id: string }>('POST', '/api/v1/tenants', { token: admin, body: { name: `Federation ${randomUUID().slice(0, 6)}` } });
      expect(tenant.status).toBe(201);
      const email = `owner-${randomUUID().slice(0, 8)}@example.test`;
      expect((await call('POST', '/api/v1/users', { token: admin, body: { email, password: USER_PASSWORD, roles: ['super-admin'], tenant_id: tenant.body.id } })).status).toBe(201);
      const owner = await login(email, USER_PASSWORD, tenant.body.id);

      const empty = await call<{ providers: unknown[]; total: number }>('GET', '/api/admin/identity/sso-providers', { token: owner });
      expect(empty.body).toMatchObject({ providers: [], total: 0 });
      const own = await putProvider(owner, { name: 'Google', config: { clientId: 'tenant-b-client', clientSecret: 'tenant-b-secret', issuer: upstream.issuer } });
      expect(own.status).toBe(201);
      const mine = await call<{ providers: Array<{ id: string; config: { clientId: string } }> }>('GET', '/api/admin/identity/sso-providers', { token: admin });
      const google = mine.body.providers.filter((p) => p.config.clientId === UPSTREAM_CLIENT_ID);
      expect(google).toHaveLength(1);
      expect(google[0].id).not.toBe(own.body.provider['id']);
      expect(mine.body.providers.some((p) => p.id === own.body.provider['id'])).toBe(false);

      // The default tenant's application's redirect URI is not registered in the other tenant.
      expectSigmaError(await call('GET', `/api/v1/auth/social/google?redirect_uri=${encodeURIComponent(APP_CALLBACK)}&tenant_id=${tenant.body.id}`), 400, 'VALIDATION_ERROR', 'redirect_uri');
      // Naming the other tenant with the default tenant's application finds no application.
      expectSigmaError(await call('GET', `/api/v1/auth/social/google?redirect_uri=${encodeURIComponent(APP_CALLBACK)}&tenant_id=${tenant.body.id}&client_id=${app.client_id}`), 400, 'VALIDATION_ERROR', 'client_id');
    });
  });
});
