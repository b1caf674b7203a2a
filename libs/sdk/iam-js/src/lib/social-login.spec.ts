import { decodeJwt, UnsecuredJWT } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { MemoryAuthorizationStore } from './authorization-transactions';
import type { FetchLike } from './http-transport';
import { IAMError } from './iam-error';
import { SigmaIAM } from './sigma-iam';
import { MemoryTokenStorage } from './token-storage';

const BASE = 'https://iam.example';
const CALLBACK = 'https://app.example/callback';
const TENANT = randomUUID();
const USER = { id: 'u-1', email: 'ada@example.com', full_name: 'Ada Lovelace' };

interface Seen {
  path: string;
  headers: Record<string, string>;
  form: URLSearchParams;
}

/** A scripted suite: the social code redemption, the token endpoint and /api/v1/me. */
function scriptedSuite(): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch: FetchLike = async (url, init) => {
    const { pathname } = new URL(url);
    const headers = (init.headers ?? {}) as Record<string, string>;
    seen.push({ path: pathname, headers, form: new URLSearchParams(typeof init.body === 'string' ? init.body : '') });
    if (pathname === '/api/v1/auth/social/token') return json(200, { access_token: 'social-access', refresh_token: 'social-refresh', token_type: 'Bearer', expires_in: 900, scope: 'openid profile email', user: USER });
    if (pathname === '/oauth/v1/token') return json(200, { access_token: 'dpop-access', refresh_token: 'dpop-refresh', token_type: 'DPoP', expires_in: 900 });
    if (pathname === '/api/v1/me') return json(200, USER);
    return json(404, { error: { code: 'RESOURCE_NOT_FOUND', message: pathname } });
  };
  return { fetch, seen };
}

function callbackOf(authorizationUrl: string, extra: Record<string, string> = {}): string {
  const state = new URL(authorizationUrl).searchParams.get('state') ?? '';
  const url = new URL(CALLBACK);
  for (const [name, value] of Object.entries({ code: 'one-time-code', state, iss: `${BASE}/oauth/tenants/${TENANT}`, ...extra })) url.searchParams.set(name, value);
  return url.href;
}

describe('social login (seed 000: getAuthorizationUrl({ provider }), loginWithGoogle)', () => {
  const client = (fetch: FetchLike, store = new MemoryAuthorizationStore()) => new SigmaIAM({ baseURL: BASE, clientId: 'app-1', redirectUri: CALLBACK, fetch, authorizationStore: store, storage: new MemoryTokenStorage() });

  it('builds the social login URL synchronously with S256 PKCE and state, and redeems the callback with the remembered verifier', async () => {
    const suite = scriptedSuite();
    const iam = client(suite.fetch);
    const authUrl = iam.getAuthorizationUrl({ scope: 'read write profile', provider: 'Google' });
    const url = new URL(authUrl);
    expect(url.origin + url.pathname).toBe(`${BASE}/api/v1/auth/social/google`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'app-1', redirect_uri: CALLBACK, state: expect.stringMatching(/^[\w-]{22}$/), code_challenge: expect.stringMatching(/^[\w-]{43}$/), code_challenge_method: 'S256' });

    const result = await iam.handleRedirectCallback(callbackOf(authUrl));
    expect(result).toMatchObject({ user: USER, accessToken: 'social-access', refreshToken: 'social-refresh' });
    const redeem = suite.seen.find((call) => call.path === '/api/v1/auth/social/token');
    expect(Object.fromEntries(redeem?.form ?? [])).toMatchObject({ grant_type: 'authorization_code', code: 'one-time-code', redirect_uri: CALLBACK, client_id: 'app-1' });
    const verifier = redeem?.form.get('code_verifier') ?? '';
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(url.searchParams.get('code_challenge'));
    await expect(iam.getAccessToken()).resolves.toBe('social-access');

    // The state is used up: the same callback again is refused, and nothing is redeemed.
    await expect(iam.handleRedirectCallback(callbackOf(authUrl))).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(suite.seen.filter((call) => call.path === '/api/v1/auth/social/token')).toHaveLength(1);
  });

  it("refuses another issuer's callback and passes the redirect's error on, redeeming nothing", async () => {
    const suite = scriptedSuite();
    const iam = client(suite.fetch);
    await expect(iam.handleRedirectCallback(callbackOf(iam.getAuthorizationUrl({ provider: 'google' }), { iss: 'https://evil.example/oauth/tenants/x' }))).rejects.toMatchObject({ code: 'INVALID_ISSUER' });
    const denied = await iam.handleRedirectCallback(callbackOf(iam.getAuthorizationUrl({ provider: 'github' }), { error: 'access_denied', error_description: 'the provider did not complete the sign-in' })).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(IAMError);
    expect(denied).toMatchObject({ code: 'access_denied', message: 'the provider did not complete the sign-in' });
    expect(suite.seen).toHaveLength(0);
    expect(() => iam.getAuthorizationUrl({ provider: '../admin' })).toThrow(TypeError);
  });

  it('keeps the caller-given PKCE as it is (nothing remembered)', () => {
    const store = new MemoryAuthorizationStore();
    const url = new URL(client(scriptedSuite().fetch, store).getAuthorizationUrl({ provider: 'google', state: 'mine', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', codeChallengeMethod: 'S256' }));
    expect(url.searchParams.get('state')).toBe('mine');
    expect(url.searchParams.get('code_challenge')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(store.getItem('sigma-iam:authorization:mine')).toBeNull();
  });

  it('throws BROWSER_REQUIRED from loginWithGoogle in Node', async () => {
    await expect(client(scriptedSuite().fetch).loginWithGoogle()).rejects.toMatchObject({ code: 'BROWSER_REQUIRED', status: 0 });
  });

  describe('in a browser', () => {
    const location = { href: 'https://app.example/login', assign: jest.fn((url: string) => void url) };

    beforeEach(() => Object.assign(globalThis, { location }));
    afterEach(() => delete (globalThis as { location?: unknown }).location);

    it('sends the page to the provider, then resolves { user } on the return trip with the same call (provider names in any case)', async () => {
      const suite = scriptedSuite();
      const store = new MemoryAuthorizationStore();
      const leaving = client(suite.fetch, store).loginWithGoogle();
      const pending = new Promise((resolve) => setImmediate(() => resolve('still pending')));
      await expect(Promise.race([leaving.then(() => 'settled'), pending])).resolves.toBe('still pending');
      expect(location.assign).toHaveBeenCalledTimes(1);
      const authUrl = location.assign.mock.calls[0][0];
      expect(new URL(authUrl).pathname).toBe('/api/v1/auth/social/google');

      // The page reloads at the redirect URI: a new client (same authorization store) finishes it.
      location.href = callbackOf(authUrl);
      const { user: googleUser } = await client(suite.fetch, store).loginWithProvider('Google');
      expect(googleUser).toEqual(USER);
      expect(location.assign).toHaveBeenCalledTimes(1);
    });
  });
});

describe('SigmaIAM with DPoP', () => {
  it('binds the code exchange to its key and proves it on API calls (DPoP scheme, ath)', async () => {
    const suite = scriptedSuite();
    const iam = new SigmaIAM({ baseURL: BASE, clientId: 'app-1', redirectUri: CALLBACK, fetch: suite.fetch, dpop: true });
    await expect(iam.exchangeCodeForTokens({ code: 'c', codeVerifier: 'v'.repeat(43) })).resolves.toMatchObject({ tokenType: 'DPoP' });
    const exchange = suite.seen[0];
    expect(decodeJwt(exchange.headers['dpop'])).toMatchObject({ htm: 'POST', htu: `${BASE}/oauth/v1/token` });
    await iam.getProfile();
    const me = suite.seen[1];
    expect(me.headers['authorization']).toBe('DPoP dpop-access');
    expect(decodeJwt(me.headers['dpop'])).toMatchObject({ htm: 'GET', htu: `${BASE}/api/v1/me`, ath: createHash('sha256').update('dpop-access').digest('base64url') });
  });

  it('refuses to send a DPoP-bound token without the key', async () => {
    const storage = new MemoryTokenStorage();
    storage.set({ accessToken: 'bound', source: 'oauth', tokenType: 'DPoP' });
    await expect(new SigmaIAM({ baseURL: BASE, storage, fetch: scriptedSuite().fetch }).getProfile()).rejects.toMatchObject({ code: 'DPOP_KEY_REQUIRED' });
  });
});

describe('handleRedirectCallback for the authorization endpoint (createAuthorizationRequest)', () => {
  const suiteWithIdToken = (nonceOf: (requestNonce: string) => string, requestNonce: () => string): FetchLike => async (url) => {
    const { pathname } = new URL(url);
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    if (pathname === '/oauth/v1/token') {
      const idToken = new UnsecuredJWT({ sub: 'u-1', nonce: nonceOf(requestNonce()) }).encode();
      return json({ access_token: 'oauth-access', refresh_token: 'oauth-refresh', id_token: idToken, token_type: 'Bearer', expires_in: 900 });
    }
    return json(USER);
  };

  it('redeems the code with the remembered verifier and answers the user; an ID token with another nonce is refused and nothing kept', async () => {
    let nonce = '';
    const storage = new MemoryTokenStorage();
    const store = new MemoryAuthorizationStore();
    const honest = new SigmaIAM({ baseURL: BASE, clientId: 'app-1', redirectUri: CALLBACK, authorizationStore: store, storage, fetch: suiteWithIdToken((n) => n, () => nonce) });
    const request = await honest.createAuthorizationRequest({ scope: 'openid' });
    nonce = request.nonce;
    await expect(honest.handleRedirectCallback(callbackOf(request.url))).resolves.toMatchObject({ user: USER, accessToken: 'oauth-access' });

    const replayedStorage = new MemoryTokenStorage();
    const replayed = new SigmaIAM({ baseURL: BASE, clientId: 'app-1', redirectUri: CALLBACK, authorizationStore: store, storage: replayedStorage, fetch: suiteWithIdToken(() => 'another-nonce', () => nonce) });
    const second = await replayed.createAuthorizationRequest({ scope: 'openid' });
    await expect(replayed.handleRedirectCallback(callbackOf(second.url))).rejects.toMatchObject({ code: 'INVALID_NONCE' });
    expect(replayedStorage.get()).toBeNull();
  });
});
