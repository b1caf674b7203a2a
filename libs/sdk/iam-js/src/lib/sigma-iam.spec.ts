import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import type { FetchLike } from './http-transport';
import { IAMError } from './iam-error';
import { SigmaIAM } from './sigma-iam';
import { MemoryTokenStorage } from './token-storage';

const BASE = 'https://iam.example';
const USER = { id: 'u-1', email: 'ada@example.com', full_name: 'Ada Lovelace' };

interface Call {
  method: string;
  path: string;
  authorization?: string;
  body?: string;
}

/** A scripted stand-in for the suite's HTTP API: just enough of login, refresh and /me to drive the client. */
class ScriptedSuite {
  readonly calls: Call[] = [];
  validAccessToken = 'access-1';
  private generation = 1;
  refreshAnswer: (() => Response) | null = null;
  private releaseRefresh: (() => void) | null = null;
  refreshGate: Promise<void> | null = null;

  holdRefreshes(): void {
    this.refreshGate = new Promise((resolve) => (this.releaseRefresh = resolve));
  }

  release(): void {
    this.releaseRefresh?.();
  }

  readonly fetch: FetchLike = async (url, init) => {
    const { pathname } = new URL(url);
    const headers = (init.headers ?? {}) as Record<string, string>;
    const call: Call = { method: init.method ?? 'GET', path: pathname, authorization: headers['authorization'], body: typeof init.body === 'string' ? init.body : undefined };
    this.calls.push(call);
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (pathname === '/api/v1/auth/login') {
      return json(200, { access_token: this.validAccessToken, refresh_token: `refresh-${this.generation}`, token_type: 'Bearer', expires_in: 900, scope: 'openid profile email', mfa_required: false, user: USER });
    }
    if (pathname === '/api/v1/auth/refresh') {
      if (this.refreshGate) await this.refreshGate;
      if (this.refreshAnswer) return this.refreshAnswer();
      const presented = JSON.parse(call.body ?? '{}').refresh_token;
      if (presented !== `refresh-${this.generation}`) return json(401, { error: { code: 'INVALID_TOKEN', message: 'spent' } });
      this.generation += 1;
      this.validAccessToken = `access-${this.generation}`;
      return json(200, { access_token: this.validAccessToken, refresh_token: `refresh-${this.generation}`, token_type: 'Bearer', expires_in: 900 });
    }
    if (pathname === '/api/v1/me') {
      if (call.authorization !== `Bearer ${this.validAccessToken}`) return json(401, { error: { code: 'AUTHENTICATION_REQUIRED', message: 'expired' } });
      return json(200, USER);
    }
    if (pathname === '/api/v1/auth/logout') return json(200, { success: true });
    return json(404, { error: { code: 'RESOURCE_NOT_FOUND', message: pathname } });
  };

  count(path: string): number {
    return this.calls.filter((call) => call.path === path).length;
  }
}

describe('SigmaIAM', () => {
  let suite: ScriptedSuite;
  let storage: MemoryTokenStorage;
  let iam: SigmaIAM;

  beforeEach(() => {
    suite = new ScriptedSuite();
    storage = new MemoryTokenStorage();
    iam = new SigmaIAM({ baseURL: BASE, clientId: 'app', redirectUri: 'https://app.example/cb', storage, fetch: suite.fetch, retryDelayMs: 0 });
  });

  it('logs in with the JSON login API and keeps the tokens in the given storage', async () => {
    const { user, accessToken, refreshToken } = await iam.login('ada@example.com', 'pw');
    expect(user.full_name).toBe('Ada Lovelace');
    expect([accessToken, refreshToken]).toEqual(['access-1', 'refresh-1']);
    expect(JSON.parse(suite.calls[0].body ?? '')).toEqual({ username: 'ada@example.com', password: 'pw' });
    expect(storage.get()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1', source: 'login' });
  });

  it('refreshes once for many concurrent calls that meet a 401, and every call succeeds', async () => {
    await iam.login('ada@example.com', 'pw');
    suite.validAccessToken = 'rotated-by-server';
    suite.holdRefreshes();
    const profiles = Promise.all(Array.from({ length: 5 }, () => iam.getProfile()));
    await new Promise((resolve) => setImmediate(resolve));
    suite.release();
    const answers = await profiles;
    expect(answers).toEqual(Array(5).fill(USER));
    expect(suite.count('/api/v1/auth/refresh')).toBe(1);
    expect(storage.get()).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' });
    const retried = suite.calls.filter((call) => call.path === '/api/v1/me' && call.authorization === 'Bearer access-2');
    expect(retried).toHaveLength(5);
  });

  it('refreshes before a call when the access token has expired, without sending the stale one', async () => {
    await iam.login('ada@example.com', 'pw');
    storage.set({ ...(storage.get() ?? { accessToken: '', source: 'login' }), expiresAt: Date.now() - 1000 });
    await expect(iam.getProfile()).resolves.toEqual(USER);
    expect(suite.calls.filter((call) => call.path === '/api/v1/me').map((call) => call.authorization)).toEqual(['Bearer access-2']);
  });

  it('signs out locally when the refresh token is refused, and says why', async () => {
    await iam.login('ada@example.com', 'pw');
    suite.validAccessToken = 'unreachable';
    suite.refreshAnswer = () => new Response(JSON.stringify({ error: { code: 'INVALID_TOKEN', message: 'revoked' } }), { status: 401, headers: { 'content-type': 'application/json' } });
    await expect(iam.getProfile()).rejects.toMatchObject({ code: 'INVALID_TOKEN', status: 401 });
    expect(storage.get()).toBeNull();
    await expect(iam.getProfile()).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
  });

  it('keeps the tokens when the refresh fails for network reasons', async () => {
    await iam.login('ada@example.com', 'pw');
    suite.validAccessToken = 'unreachable';
    suite.refreshAnswer = () => {
      throw new TypeError('fetch failed');
    };
    await expect(iam.getProfile()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(storage.get()).toMatchObject({ refreshToken: 'refresh-1' });
  });

  it('reports sign-in, refresh and the end of the session to onAuthChange listeners until they unsubscribe', async () => {
    const changes: unknown[] = [];
    const unsubscribe = iam.onAuthChange((change) => changes.push(change));
    await iam.login('ada@example.com', 'pw');
    storage.set({ ...(storage.get() ?? { accessToken: '', source: 'login' }), expiresAt: Date.now() - 1000 });
    await iam.getProfile();
    suite.validAccessToken = 'unreachable';
    suite.refreshAnswer = () => new Response(JSON.stringify({ error: { code: 'INVALID_TOKEN', message: 'revoked' } }), { status: 401, headers: { 'content-type': 'application/json' } });
    await expect(iam.getProfile()).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect(changes).toEqual([{ type: 'signed-in' }, { type: 'refreshed' }, { type: 'signed-out', reason: 'session-ended' }]);

    suite.refreshAnswer = null;
    await iam.login('ada@example.com', 'pw');
    await iam.logout();
    await iam.logout();
    expect(changes.slice(3)).toEqual([{ type: 'signed-in' }, { type: 'signed-out', reason: 'logout' }]);
    unsubscribe();
    await iam.login('ada@example.com', 'pw');
    expect(changes).toHaveLength(5);
  });

  it('refreshTokens refreshes a fresh token on demand, once for concurrent callers', async () => {
    await expect(iam.refreshTokens()).resolves.toBeNull();
    await iam.login('ada@example.com', 'pw');
    const [first, second] = await Promise.all([iam.refreshTokens(), iam.refreshTokens()]);
    expect([first, second]).toEqual(['access-2', 'access-2']);
    expect(suite.count('/api/v1/auth/refresh')).toBe(1);
    expect(storage.get()).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' });
    storage.set({ accessToken: 'elsewhere', source: 'oauth' });
    await expect(iam.refreshTokens()).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
  });

  it('does not let a throwing onAuthChange listener fail the call', async () => {
    const reported = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const bug = new Error('listener bug');
    iam.onAuthChange(() => {
      throw bug;
    });
    await expect(iam.login('ada@example.com', 'pw')).resolves.toMatchObject({ accessToken: 'access-1' });
    expect(reported).toHaveBeenCalledWith(expect.stringContaining('onAuthChange listener'), bug);
    reported.mockRestore();
  });

  it('throws MFA_REQUIRED with the session id when the user has a second factor', async () => {
    const mfa = new SigmaIAM({ baseURL: BASE, fetch: async () => new Response(JSON.stringify({ mfa_required: true, mfa_session_id: 'mfa-1' }), { status: 200, headers: { 'content-type': 'application/json' } }) });
    const error = await mfa.login('ada@example.com', 'pw').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IAMError);
    expect(error).toMatchObject({ code: 'MFA_REQUIRED', mfaSessionId: 'mfa-1' });
  });

  it('logs out at the suite and forgets the tokens', async () => {
    await iam.login('ada@example.com', 'pw');
    await iam.logout();
    expect(suite.calls.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/auth/logout', body: JSON.stringify({ refresh_token: 'refresh-1' }) });
    expect(storage.get()).toBeNull();
    await expect(iam.getAccessToken()).resolves.toBeNull();
  });

  it('builds the authorization URL of seed 000 and refuses a method without a challenge', async () => {
    const url = new URL(iam.getAuthorizationUrl({ scope: 'read write', state: 'random_state_value', codeChallenge: 'abc', codeChallengeMethod: 'S256' }));
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE}/oauth/v1/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ response_type: 'code', client_id: 'app', redirect_uri: 'https://app.example/cb', scope: 'read write', state: 'random_state_value', code_challenge: 'abc', code_challenge_method: 'S256' });
    expect(() => iam.getAuthorizationUrl({ codeChallengeMethod: 'S256' })).toThrow(TypeError);
    const request = await iam.createAuthorizationRequest({ scope: 'openid' });
    expect(new URL(request.url).searchParams.get('state')).toBe(request.state);
    expect(request.codeVerifier).toMatch(/^[\w-]{43}$/);
  });

  it('authenticates a confidential client with Basic at the token endpoint (RFC 6749 §2.3.1 encoding)', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const client = new SigmaIAM({
      baseURL: BASE,
      clientId: 'my app',
      clientSecret: 's:cret',
      redirectUri: 'https://app.example/cb',
      fetch: async (url, init) => {
        calls.push({ url, init });
        return new Response(JSON.stringify({ access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 60 }), { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    await expect(client.exchangeCodeForTokens('the-code', 'v'.repeat(43))).resolves.toMatchObject({ accessToken: 'a', refreshToken: 'r', expiresIn: 60 });
    expect((calls[0].init.headers as Record<string, string>)['authorization']).toBe(`Basic ${Buffer.from('my+app:s%3Acret').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(String(calls[0].init.body)))).toEqual({ grant_type: 'authorization_code', code: 'the-code', redirect_uri: 'https://app.example/cb', code_verifier: 'v'.repeat(43) });
  });

  describe('verifyToken', () => {
    it("verifies against the tenant's JWKS, fetched once, and refuses foreign issuers and tenants", async () => {
      const tenant = randomUUID();
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      let jwksFetches = 0;
      const verifier = new SigmaIAM({
        baseURL: BASE,
        fetch: async (url) => {
          expect(url).toBe(`${BASE}/.well-known/jwks.json?tenant_id=${tenant}`);
          jwksFetches += 1;
          return new Response(JSON.stringify({ keys: [jwk] }), { status: 200, headers: { 'content-type': 'application/json' } });
        },
      });
      const sign = (claims: Record<string, unknown>, issuer = `${BASE}/oauth/tenants/${tenant}`) =>
        new SignJWT({ tid: tenant, client_id: 'sigma-iam', ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' }).setIssuer(issuer).setAudience('urn:sigma-iam:api').setSubject('u-1').setIssuedAt().setExpirationTime('5m').setJti(randomUUID()).sign(privateKey);
      await expect(verifier.verifyToken(await sign({ roles: ['admin'] }))).resolves.toMatchObject({ sub: 'u-1', tid: tenant, roles: ['admin'] });
      await expect(verifier.verifyToken(await sign({}))).resolves.toMatchObject({ sub: 'u-1' });
      expect(jwksFetches).toBe(1);
      await expect(verifier.verifyToken(await sign({}, 'https://evil.example/oauth/tenants/x'))).rejects.toMatchObject({ code: 'INVALID_TOKEN', status: 401 });
      await expect(verifier.verifyToken('not-a-jwt')).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
      const pinned = new SigmaIAM({ baseURL: BASE, tenantId: randomUUID(), fetch: async () => new Response('{}') });
      await expect(pinned.verifyToken(await sign({}))).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    });
  });
});
