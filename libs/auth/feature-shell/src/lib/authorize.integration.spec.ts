import { InMemoryEventBus } from '@sigma/shared/data-access-events';
import { RunningService, startService } from '@sigma/shared/feature-service-host';
import { freePort, readJson, startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { issuerOf } from '@sigma/shared/util-auth';
import { calculateJwkThumbprint, createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { authServer } from './auth-server.definition';
import { FakeAccount, FakeDirectory } from './testing/fake-directory';
import { FakeSessionService } from './testing/fake-session-service';

jest.setTimeout(60000);

const PUBLIC_URL = 'http://localhost:8080';
const PASSWORD = 'correct horse battery staple';
const CALLBACK = 'https://app.example.test/callback';

interface Registered {
  client_id: string;
  client_secret: string | null;
}

/** A browser's cookies, kept the way a browser keeps them (name → value; expired ones dropped). */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

function hiddenField(page: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!match) throw new Error(`no ${name} field on the page`);
  return match[1];
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * The authorization endpoint and its pages as auth-server serves them (real PostgreSQL, a fake
 * directory), driven with plain HTTP and a cookie jar; the browser itself is in the e2e suite.
 */
describe('authorization endpoint and pages', () => {
  let postgres: TestPostgres;
  let directory: FakeDirectory;
  let sessions: FakeSessionService;
  let service: RunningService;
  let db: Client;
  let base: string;
  let admin: FakeAccount;
  let adminToken: string;

  beforeAll(async () => {
    [postgres, directory, sessions] = await Promise.all([startTestPostgres(), Promise.resolve(new FakeDirectory()), Promise.resolve(new FakeSessionService())]);
    await Promise.all([directory.start(), sessions.start()]);
    admin = directory.addUser('admin@sigma-iam.local', PASSWORD, { roles: ['super-admin'], permissions: ['*'] });
    const port = await freePort();
    service = await startService(authServer, {
      bus: new InMemoryEventBus(),
      env: {
        PORT: String(port),
        AUTH_SERVER_URL: `http://127.0.0.1:${port}`,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        DATABASE_URL: postgres.url,
        EVENT_TRANSPORT: 'memory',
        SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        PUBLIC_URL,
        USER_DIRECTORY_URL: directory.url,
        DIRECTORY_TIMEOUT_MS: '1000',
        SESSION_SERVICE_URL: sessions.url,
      },
    });
    base = service.url.replace('localhost', '127.0.0.1');
    db = new Client({ connectionString: postgres.url });
    await db.connect();
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: admin.claims.username, password: PASSWORD }) });
    adminToken = (await readJson<{ access_token: string }>(login)).access_token;
  });

  afterAll(async () => {
    await db?.end();
    await service?.close();
    await directory?.stop();
    await sessions?.stop();
    await postgres?.stop();
  });

  const register = async (options: Record<string, unknown> = {}): Promise<Registered> => {
    const answer = await fetch(`${base}/api/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ client_name: `App ${randomUUID().slice(0, 8)}`, redirect_uris: [CALLBACK], ...options }),
    });
    expect(answer.status).toBe(201);
    return readJson<Registered>(answer);
  };
  const get = (path: string, jar?: CookieJar) => fetch(`${base}${path}`, { redirect: 'manual', headers: jar ? { cookie: jar.header() } : {} });
  const postForm = (path: string, form: Record<string, string>, jar: CookieJar) =>
    fetch(`${base}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() }, body: new URLSearchParams(form).toString() });
  const authorizePath = (params: Record<string, string>, prefix = '/oauth') => `${prefix}/authorize?${new URLSearchParams(params).toString()}`;

  /** Follows the flow as a browser would: authorize, the login page, then the consent page when shown; answers the final redirect. */
  const signIn = async (jar: CookieJar, path: string, decision: 'approve' | 'deny' | undefined = 'approve'): Promise<URL> => {
    let answer = await get(path, jar);
    jar.take(answer);
    let location = answer.headers.get('location') ?? '';
    if (location.startsWith('/oauth/login')) {
      const page = await get(location, jar);
      jar.take(page);
      const html = await page.text();
      answer = await postForm('/oauth/login', { login_challenge: hiddenField(html, 'login_challenge'), csrf_token: hiddenField(html, 'csrf_token'), username: admin.claims.username, password: PASSWORD }, jar);
      jar.take(answer);
      expect(answer.status).toBe(303);
      location = answer.headers.get('location') ?? '';
    }
    if (location.startsWith('/oauth/consent') && decision !== undefined) {
      const page = await get(location, jar);
      jar.take(page);
      const html = await page.text();
      answer = await postForm('/oauth/consent', { login_challenge: hiddenField(html, 'login_challenge'), csrf_token: hiddenField(html, 'csrf_token'), decision, remember: 'yes' }, jar);
      jar.take(answer);
      location = answer.headers.get('location') ?? '';
    }
    return new URL(location, PUBLIC_URL);
  };

  it('answers code, state and iss after login and consent; the code is stored hashed with its PKCE challenge', async () => {
    const client = await register();
    const { challenge } = pkce();
    const jar = new CookieJar();
    const result = await signIn(jar, authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid profile', state: 's-1', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(`${result.origin}${result.pathname}`).toBe(CALLBACK);
    expect(result.searchParams.get('state')).toBe('s-1');
    expect(result.searchParams.get('iss')).toBe(issuerOf(PUBLIC_URL, directory.defaultTenant.id));
    const code = result.searchParams.get('code') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await db.query('SELECT code_hash, scope, nonce, code_challenge, code_challenge_method FROM auth.authorization_codes WHERE client_id = $1', [client.client_id]);
    expect(stored.rows).toEqual([{ code_hash: createHash('sha256').update(code).digest('hex'), scope: 'openid profile', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256' }]);
  });

  it('skips the login page for a signed-in browser and the consent page for a remembered consent', async () => {
    const client = await register();
    const jar = new CookieJar();
    const params = { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' };
    await signIn(jar, authorizePath(params));
    const again = await get(authorizePath({ ...params, state: 'second' }, '/api/oauth'), jar);
    expect(again.status).toBe(302);
    const location = new URL(again.headers.get('location') ?? '');
    expect(location.searchParams.get('code')).toEqual(expect.any(String));
    expect(location.searchParams.get('state')).toBe('second');
  });

  it('skips consent for first-party clients; a denial answers access_denied with state and iss', async () => {
    const firstParty = await register({ first_party: true });
    const jar = new CookieJar();
    const params = { response_type: 'code', client_id: firstParty.client_id, redirect_uri: CALLBACK, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' };
    const first = await signIn(jar, authorizePath(params, '/oauth/v1'), undefined);
    expect(first.searchParams.get('code')).toEqual(expect.any(String));

    const other = await register();
    const denied = await signIn(jar, authorizePath({ ...params, client_id: other.client_id, state: 'd' }), 'deny');
    expect(Object.fromEntries(denied.searchParams)).toMatchObject({ error: 'access_denied', state: 'd', iss: issuerOf(PUBLIC_URL, directory.defaultTenant.id) });
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, and the pages a strict CSP without script', async () => {
    const client = await register();
    const jar = new CookieJar();
    const start = await get(authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), jar);
    const page = await get(start.headers.get('location') ?? '', jar);
    jar.take(page);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('script-src');
    const html = await page.text();
    expect(html).not.toContain('<script');
    expect(html).toContain('name="username"');
    const answer = await postForm('/oauth/login', { login_challenge: hiddenField(html, 'login_challenge'), csrf_token: hiddenField(html, 'csrf_token'), username: admin.claims.username, password: PASSWORD }, jar);
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('sigma_session=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('refuses a login without the CSRF token, and a wrong password, changing nothing', async () => {
    const client = await register();
    const jar = new CookieJar();
    const start = await get(authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), jar);
    const page = await get(start.headers.get('location') ?? '', jar);
    jar.take(page);
    const html = await page.text();
    const challenge = hiddenField(html, 'login_challenge');
    const noCsrf = await postForm('/oauth/login', { login_challenge: challenge, csrf_token: 'forged', username: admin.claims.username, password: PASSWORD }, jar);
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.headers.getSetCookie().some((line) => line.startsWith('sigma_session='))).toBe(false);
    const wrong = await postForm('/oauth/login', { login_challenge: challenge, csrf_token: hiddenField(html, 'csrf_token'), username: admin.claims.username, password: 'wrong' }, jar);
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('The username or password is wrong.');
  });

  it('never redirects to an unregistered redirect URI (prefix, suffix and case tricks): an error page', async () => {
    const client = await register();
    for (const redirect of [`${CALLBACK}/evil`, `${CALLBACK}?x=1`, 'https://app.example.test/callbac', 'https://APP.example.test/callback', 'https://app.example.test.evil.test/callback']) {
      const answer = await get(authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: redirect, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }));
      expect(answer.status).toBe(400);
      expect(answer.headers.get('location')).toBeNull();
      expect(await answer.text()).toContain('redirect_uri is not registered');
    }
  });

  it('redirects request errors with state and iss: implicit, PKCE missing or plain, unknown scope', async () => {
    const client = await register({ client_type: 'public', token_endpoint_auth_method: 'none' });
    const cases: Array<[Record<string, string>, string]> = [
      [{ response_type: 'token', code_challenge: pkce().challenge, code_challenge_method: 'S256' }, 'unsupported_response_type'],
      [{ response_type: 'code' }, 'invalid_request'],
      [{ response_type: 'code', code_challenge: pkce().verifier, code_challenge_method: 'plain' }, 'invalid_request'],
      [{ response_type: 'code', code_challenge: pkce().challenge }, 'invalid_request'],
      [{ response_type: 'code', code_challenge: pkce().challenge, code_challenge_method: 'S256', scope: 'openid admin' }, 'invalid_scope'],
    ];
    for (const [params, error] of cases) {
      const answer = await get(authorizePath({ client_id: client.client_id, redirect_uri: CALLBACK, state: 'st', ...params }));
      expect(answer.status).toBe(302);
      const location = new URL(answer.headers.get('location') ?? '');
      expect(Object.fromEntries(location.searchParams)).toMatchObject({ error, state: 'st', iss: issuerOf(PUBLIC_URL, directory.defaultTenant.id) });
    }
  });

  it('answers an implicit request of a client registered for it with an access token in the fragment, with state and iss', async () => {
    const client = await register({ allow_implicit: true, allowed_grant_types: ['implicit'], first_party: true });
    const jar = new CookieJar();
    const result = await signIn(jar, authorizePath({ response_type: 'token', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', state: 'imp' }));
    expect(result.search).toBe('');
    const fragment = new URLSearchParams(result.hash.slice(1));
    expect(Object.fromEntries(fragment)).toMatchObject({ token_type: 'Bearer', state: 'imp', iss: issuerOf(PUBLIC_URL, directory.defaultTenant.id), access_token: expect.any(String) });
    expect(fragment.get('refresh_token')).toBeNull();
  });

  it('treats a client of another tenant as unknown (error page, no redirect)', async () => {
    const client = await register();
    const other = directory.addTenant('other');
    const answer = await get(authorizePath({ response_type: 'code', client_id: client.client_id, tenant_id: other.id, redirect_uri: CALLBACK, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }));
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
  });

  it('answers prompt=none without a session login_required', async () => {
    const client = await register();
    const answer = await get(authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', prompt: 'none', state: 'p', code_challenge: pkce().challenge, code_challenge_method: 'S256' }));
    expect(new URL(answer.headers.get('location') ?? '').searchParams.get('error')).toBe('login_required');
  });

  it("completes seed 004's login_challenge through the JSON login API: cookie and redirect_to, no tokens", async () => {
    const client = await register({ first_party: true });
    const start = await get(authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', state: 'lc', code_challenge: pkce().challenge, code_challenge_method: 'S256' }));
    const challenge = new URL(start.headers.get('location') ?? '', PUBLIC_URL).searchParams.get('login_challenge') ?? '';
    const answer = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: admin.claims.username, password: PASSWORD, login_challenge: challenge, client_id: client.client_id }),
    });
    expect(answer.status).toBe(200);
    const body = await readJson<{ mfa_required: boolean; redirect_to: string; access_token?: string }>(answer);
    expect(body.mfa_required).toBe(false);
    expect(body.access_token).toBeUndefined();
    const redirect = new URL(body.redirect_to);
    expect(redirect.searchParams.get('code')).toEqual(expect.any(String));
    expect(redirect.searchParams.get('state')).toBe('lc');
    expect(answer.headers.getSetCookie().some((line) => line.startsWith('sigma_session='))).toBe(true);

    const reused = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: admin.claims.username, password: PASSWORD, login_challenge: challenge }) });
    expect(reused.status).toBe(404);
  });

  const token = (form: Record<string, string>, auth?: Registered) =>
    fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(auth?.client_secret ? { authorization: `Basic ${Buffer.from(`${auth.client_id}:${auth.client_secret}`).toString('base64')}` } : {}),
      },
      body: new URLSearchParams(form).toString(),
    });
  const codeFor = async (client: Registered, extra: Record<string, string> = {}, jar = new CookieJar()): Promise<{ code: string; verifier: string; jar: CookieJar }> => {
    const { verifier, challenge } = pkce();
    const result = await signIn(jar, authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: challenge, code_challenge_method: 'S256', ...extra }));
    return { code: result.searchParams.get('code') ?? '', verifier, jar };
  };

  it('stops honouring the browser session once a session it started is revoked at session-service, not when one merely idles out', async () => {
    const client = await register({ first_party: true });
    const redeem = async (code: string, verifier: string): Promise<string> => {
      const answer = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK }, client);
      expect(answer.status).toBe(200);
      return (decodeJwt((await readJson<{ access_token: string }>(answer)).access_token) as { sid: string }).sid;
    };
    const first = await codeFor(client);
    sessions.end(await redeem(first.code, first.verifier), 'idle_timeout');
    // Still signed in: straight back with a code, no login page.
    const { verifier, challenge } = pkce();
    const again = await get(authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }), first.jar);
    const code = new URL(again.headers.get('location') ?? '', PUBLIC_URL).searchParams.get('code') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const revoked = await redeem(code, verifier);
    sessions.end(revoked, 'admin');

    const signedOut = await get(authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), first.jar);
    expect(signedOut.headers.get('location')).toMatch(/^\/oauth\/login\?/);
    const open = await db.query('SELECT count(*)::int AS n FROM auth.browser_sessions b JOIN auth.browser_session_logins l ON l.browser_session_id = b.id WHERE l.session_id = $1 AND b.ended_at IS NULL', [revoked]);
    expect(open.rows).toEqual([{ n: 0 }]);
  });

  it('asks for the second factor on the page when the user has TOTP, and refuses a wrong code', async () => {
    const client = await register({ first_party: true });
    const mfaUser = directory.addUser(`mfa-${randomUUID().slice(0, 8)}@example.test`, PASSWORD, { mfa: { totp: true, webauthn: false } }, { totp: '123456' });
    const jar = new CookieJar();
    const start = await get(authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', state: 'm', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), jar);
    const page = await get(start.headers.get('location') ?? '', jar);
    jar.take(page);
    const html = await page.text();
    const form = { login_challenge: hiddenField(html, 'login_challenge'), csrf_token: hiddenField(html, 'csrf_token') };
    const password = await postForm('/oauth/login', { ...form, username: mfaUser.claims.username, password: PASSWORD }, jar);
    expect(password.status).toBe(200);
    const mfaHtml = await password.text();
    expect(mfaHtml).toContain('name="totp_code"');
    expect(password.headers.getSetCookie().some((line) => line.startsWith('sigma_session='))).toBe(false);
    const wrong = await postForm('/oauth/login/mfa', { ...form, totp_code: '000000' }, jar);
    expect(wrong.status).toBe(401);
    const right = await postForm('/oauth/login/mfa', { ...form, totp_code: '123456' }, jar);
    expect(right.status).toBe(303);
    const done = new URL(right.headers.get('location') ?? '');
    expect(done.searchParams.get('state')).toBe('m');
    expect(done.searchParams.get('code')).toEqual(expect.any(String));
    const stored = await db.query('SELECT amr FROM auth.authorization_codes WHERE client_id = $1', [client.client_id]);
    expect(stored.rows[0].amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  describe('authorization_code grant', () => {
    it('exchanges the code once for tokens whose ID token has nonce, at_hash, auth_time and amr', async () => {
      const client = await register();
      const { code, verifier } = await codeFor(client, { nonce: 'nonce-42' });
      const answer = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK }, client);
      expect(answer.status).toBe(200);
      const tokens = await readJson<{ access_token: string; id_token: string; refresh_token: string; token_type: string }>(answer);
      expect(tokens.token_type).toBe('Bearer');
      const jwks = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json?tenant_id=${directory.defaultTenant.id}`));
      const id = await jwtVerify(tokens.id_token, jwks, { issuer: issuerOf(PUBLIC_URL, directory.defaultTenant.id), audience: client.client_id });
      expect(id.payload).toMatchObject({ sub: admin.claims.user_id, nonce: 'nonce-42', amr: ['pwd'], auth_time: expect.any(Number), at_hash: expect.any(String), sid: expect.any(String) });
      expect(tokens.refresh_token).toEqual(expect.any(String));
    });

    it('refuses a wrong verifier, a verifier-less exchange and another redirect URI with invalid_grant; the code still works after', async () => {
      const client = await register();
      const { code, verifier } = await codeFor(client);
      const attempts: Array<Record<string, string>> = [
        { code_verifier: pkce().verifier, redirect_uri: CALLBACK },
        { redirect_uri: CALLBACK },
        { code_verifier: verifier, redirect_uri: `${CALLBACK}/other` },
      ];
      for (const form of attempts) {
        const answer = await token({ grant_type: 'authorization_code', code, ...form }, client);
        expect(answer.status).toBe(400);
        expect(await answer.json()).toMatchObject({ error: 'invalid_grant' });
      }
      expect((await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK }, client)).status).toBe(200);
    });

    it('refuses a code_verifier for a code issued without PKCE (downgrade)', async () => {
      const client = await register({ require_pkce: false });
      const jar = new CookieJar();
      const result = await signIn(jar, authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid' }));
      const answer = await token({ grant_type: 'authorization_code', code: result.searchParams.get('code') ?? '', code_verifier: pkce().verifier, redirect_uri: CALLBACK }, client);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it("refuses a replayed code and revokes the session (and refresh token) its first use issued; another client's code is invalid_grant", async () => {
      const client = await register();
      const { code, verifier } = await codeFor(client);
      const first = await readJson<{ refresh_token: string }>(await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK }, client));
      const replay = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK }, client);
      expect(replay.status).toBe(400);
      expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
      const refresh = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, client);
      expect(refresh.status).toBe(400);

      const other = await register();
      const second = await codeFor(client);
      const stolen = await token({ grant_type: 'authorization_code', code: second.code, code_verifier: second.verifier, redirect_uri: CALLBACK }, other);
      expect(await stolen.json()).toMatchObject({ error: 'invalid_grant' });
    });
  });

  it('binds a code to the DPoP key named by dpop_jkt: no proof or another key is invalid_dpop_proof, the key gets DPoP tokens', async () => {
    const client = await register();
    const keyOf = async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const jwk = await exportJWK(publicKey);
      return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
    };
    const proofWith = (key: Awaited<ReturnType<typeof keyOf>>) =>
      new SignJWT({ htm: 'POST', htu: `${PUBLIC_URL}/oauth/token`, jti: randomUUID() }).setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk }).setIssuedAt().sign(key.privateKey);
    const key = await keyOf();
    const other = await keyOf();
    const { code, verifier } = await codeFor(client, { dpop_jkt: key.jkt });
    const exchange = (dpop?: string) =>
      fetch(`${base}/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
          ...(dpop ? { dpop } : {}),
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK }).toString(),
      });
    expect(await (await exchange()).json()).toMatchObject({ error: 'invalid_dpop_proof' });
    expect(await (await exchange(await proofWith(other))).json()).toMatchObject({ error: 'invalid_dpop_proof' });
    const bound = await exchange(await proofWith(key));
    expect(bound.status).toBe(200);
    expect(await bound.json()).toMatchObject({ token_type: 'DPoP' });
  });

  it("finishes seed 004's login_challenge with a second factor through /api/v1/auth/mfa/verify", async () => {
    const client = await register({ first_party: true });
    const mfaUser = directory.addUser(`mfa-api-${randomUUID().slice(0, 8)}@example.test`, PASSWORD, { mfa: { totp: true, webauthn: false } }, { totp: '654321' });
    const start = await get(authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', state: 'mfa-api', code_challenge: pkce().challenge, code_challenge_method: 'S256' }));
    const challenge = new URL(start.headers.get('location') ?? '', PUBLIC_URL).searchParams.get('login_challenge') ?? '';
    const json = (path: string, body: object) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const first = await readJson<{ mfa_required: boolean; mfa_session_id: string }>(await json('/api/v1/auth/login', { username: mfaUser.claims.username, password: PASSWORD, login_challenge: challenge }));
    expect(first).toEqual({ mfa_required: true, mfa_session_id: challenge });
    expect((await json('/api/v1/auth/mfa/verify', { mfa_session_id: challenge, totp_code: '000000' })).status).toBe(401);
    const done = await json('/api/v1/auth/mfa/verify', { mfa_session_id: challenge, totp_code: '654321' });
    expect(done.status).toBe(200);
    const body = await readJson<{ mfa_required: boolean; redirect_to: string }>(done);
    expect(body.mfa_required).toBe(false);
    expect(new URL(body.redirect_to).searchParams.get('state')).toBe('mfa-api');
    expect(done.headers.getSetCookie().some((line) => line.startsWith('sigma_session='))).toBe(true);
  });

  describe('PAR', () => {
    it('pushes a request (201, request_uri, 90 s), authorizes with it once, and refuses it the second time', async () => {
      const client = await register({ require_par: true });
      const { verifier, challenge } = pkce();
      const pushed = await fetch(`${base}/oauth/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` },
        body: new URLSearchParams({ response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', state: 'par-state', code_challenge: challenge, code_challenge_method: 'S256' }).toString(),
      });
      expect(pushed.status).toBe(201);
      const body = await readJson<{ request_uri: string; expires_in: number }>(pushed);
      expect(body).toEqual({ request_uri: expect.stringMatching(/^urn:ietf:params:oauth:request_uri:/), expires_in: 90 });

      const direct = await get(authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', state: 'x', code_challenge: challenge, code_challenge_method: 'S256' }));
      expect(new URL(direct.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request');

      const jar = new CookieJar();
      const result = await signIn(jar, authorizePath({ client_id: client.client_id, request_uri: body.request_uri }));
      expect(result.searchParams.get('state')).toBe('par-state');
      expect((await token({ grant_type: 'authorization_code', code: result.searchParams.get('code') ?? '', code_verifier: verifier, redirect_uri: CALLBACK }, client)).status).toBe(200);

      const reused = await get(authorizePath({ client_id: client.client_id, request_uri: body.request_uri }), jar);
      expect(reused.status).toBe(400);
      expect(await reused.text()).toContain('invalid_request_uri');
    });

    it('refuses an unauthenticated push with invalid_client and an unregistered redirect URI with invalid_request', async () => {
      const client = await register();
      const unauthenticated = await fetch(`${base}/oauth/par`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=${client.client_id}&response_type=code&redirect_uri=${encodeURIComponent(CALLBACK)}` });
      expect(unauthenticated.status).toBe(401);
      expect(await unauthenticated.json()).toMatchObject({ error: 'invalid_client' });
      const wrong = await fetch(`${base}/api/oauth/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` },
        body: new URLSearchParams({ response_type: 'code', redirect_uri: `${CALLBACK}.evil`, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }).toString(),
      });
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toMatchObject({ error: 'invalid_request' });
    });
  });

  describe('device flow', () => {
    it('issues WDJB-MJHT-style codes; pending, slow_down, then tokens after approval on the /device page; once', async () => {
      const client = await register({ client_type: 'public', token_endpoint_auth_method: 'none', allowed_grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], redirect_uris: [] });
      const started = await fetch(`${base}/oauth/device_authorization`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=${client.client_id}&scope=openid` });
      expect(started.status).toBe(200);
      const device = await readJson<{ device_code: string; user_code: string; verification_uri: string; verification_uri_complete: string; expires_in: number; interval: number }>(started);
      expect(device).toMatchObject({ user_code: expect.stringMatching(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/), verification_uri: `${PUBLIC_URL}/device`, expires_in: 1800, interval: 5 });
      const poll = () => token({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code, client_id: client.client_id });
      expect(await (await poll()).json()).toMatchObject({ error: 'authorization_pending' });
      expect(await (await poll()).json()).toMatchObject({ error: 'slow_down' });

      const jar = new CookieJar();
      const page = await get(`/device?user_code=${device.user_code}`, jar);
      jar.take(page);
      const html = await page.text();
      const entered = await postForm('/device', { csrf_token: hiddenField(html, 'csrf_token'), user_code: device.user_code.toLowerCase().replace('-', ' ') }, jar);
      expect(entered.status).toBe(303);
      const login = await get(entered.headers.get('location') ?? '', jar);
      jar.take(login);
      const loginHtml = await login.text();
      const signedIn = await postForm('/oauth/login', { login_challenge: hiddenField(loginHtml, 'login_challenge'), csrf_token: hiddenField(loginHtml, 'csrf_token'), username: admin.claims.username, password: PASSWORD }, jar);
      jar.take(signedIn);
      const consent = await get(signedIn.headers.get('location') ?? '', jar);
      const consentHtml = await consent.text();
      expect(consentHtml).toContain(device.user_code);
      const approved = await postForm('/oauth/consent', { login_challenge: hiddenField(consentHtml, 'login_challenge'), csrf_token: hiddenField(consentHtml, 'csrf_token'), decision: 'approve' }, jar);
      expect(approved.status).toBe(200);
      expect(await approved.text()).toContain('Device connected');

      await db.query('UPDATE auth.device_authorizations SET last_polled_at = NULL WHERE user_code = $1', [device.user_code]);
      const tokens = await poll();
      expect(tokens.status).toBe(200);
      expect(await tokens.json()).toMatchObject({ access_token: expect.any(String), id_token: expect.any(String), token_type: 'Bearer' });
      expect(await (await poll()).json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('answers access_denied after a denial and expired_token after expiry', async () => {
      const client = await register({ client_type: 'public', token_endpoint_auth_method: 'none', allowed_grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], redirect_uris: [] });
      const start = async () => readJson<{ device_code: string; user_code: string }>(await fetch(`${base}/oauth/v1/device_authorization`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=${client.client_id}` }));
      const denied = await start();
      await db.query("UPDATE auth.device_authorizations SET status = 'denied' WHERE user_code = $1", [denied.user_code]);
      const poll = (deviceCode: string) => token({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode, client_id: client.client_id });
      expect(await (await poll(denied.device_code)).json()).toMatchObject({ error: 'access_denied' });
      const expired = await start();
      await db.query("UPDATE auth.device_authorizations SET expires_at = now() - interval '1 second' WHERE user_code = $1", [expired.user_code]);
      expect(await (await poll(expired.device_code)).json()).toMatchObject({ error: 'expired_token' });
    });
  });

  describe('RP-initiated logout', () => {
    it('ends the browser session and its login sessions, then redirects to the registered URI with state', async () => {
      const client = await register({ post_logout_redirect_uris: ['https://app.example.test/bye'] });
      const { code, verifier, jar } = await codeFor(client);
      const tokens = await readJson<{ id_token: string; refresh_token: string }>(await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK }, client));
      const unregistered = await get(`/oauth/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://evil.example/bye' })}`, jar);
      expect(unregistered.status).toBe(400);
      const answer = await get(`/oauth/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://app.example.test/bye', state: 'bye-1' })}`, jar);
      expect(answer.status).toBe(302);
      expect(answer.headers.get('location')).toBe('https://app.example.test/bye?state=bye-1');
      jar.take(answer);
      expect((await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, client)).status).toBe(400);
      const again = await get(authorizePath({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), jar);
      expect(again.headers.get('location')).toMatch(/^\/oauth\/login/);
    });
  });
});
