import { SigmaIAM as CoreSigmaIAM } from '@sigma/iam-js';
import express from 'express';
import session from 'express-session';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AuthenticationError } from './authentication-error';
import { DenyList } from './revocation';
import { SigmaIAM, SigmaIAMNodeOptions } from './sigma-iam';

const BASE = 'https://iam.example';
const TID = '7b0e8a52-4b7e-4c53-9f62-1b2f3c4d5e6f';
const ISSUER = `${BASE}/oauth/tenants/${TID}`;
const USER_ID = '0f8c1d2e-3a4b-4c5d-8e9f-a0b1c2d3e4f5';
const PROFILE = { id: USER_ID, tenant_id: TID, email: 'ada@example.com', username: 'ada', first_name: 'Ada', last_name: 'Lovelace', full_name: 'Ada Lovelace', email_verified: true, roles: ['user'], permissions: [] };
const APP = 'https://app.example';

type Json = Record<string, unknown>;

/** A scripted stand-in for the suite: the tenant's JWKS, /api/v1/me, introspection and the token endpoint, with a real signing key. */
class ScriptedSuite {
  readonly calls: string[] = [];
  readonly inactive = new Set<string>();
  private key!: Awaited<ReturnType<typeof generateKeyPair>>;
  private jwk!: Json;
  /** What the last authorization URL asked for, so the token endpoint can check the code exchange. */
  authorization?: URLSearchParams;

  async init(): Promise<this> {
    this.key = await generateKeyPair('ES256', { extractable: true });
    this.jwk = { ...(await exportJWK(this.key.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    return this;
  }

  token(claims: Json = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: ISSUER, aud: 'urn:sigma-iam:api', sub: USER_ID, tid: TID, sid: randomUUID(), client_id: 'app', jti: randomUUID(), iat: now, exp: now + 900, scope: 'openid profile', roles: ['user'], permissions: ['orders:read'], ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
      .sign(this.key.privateKey);
  }

  idToken(claims: Json): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: ISSUER, aud: 'app', sub: USER_ID, iat: now, exp: now + 300, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(this.key.privateKey);
  }

  count(path: string): number {
    return this.calls.filter((call) => call === path).length;
  }

  readonly fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input);
    this.calls.push(url.pathname);
    const headers = new Headers(init.headers);
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url.pathname === '/.well-known/jwks.json') return json(200, { keys: [this.jwk] });
    if (url.pathname === '/api/v1/me') {
      const token = headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
      return this.inactive.has(token) ? json(401, { error: { code: 'INVALID_TOKEN', message: 'revoked' } }) : json(200, PROFILE);
    }
    const form = new URLSearchParams(typeof init.body === 'string' ? init.body : '');
    const basic = headers.get('authorization') === `Basic ${btoa('app:secret')}`;
    if (url.pathname === '/oauth/v1/introspect') {
      if (!basic) return json(401, { error: 'invalid_client' });
      return json(200, { active: !this.inactive.has(form.get('token') ?? '') });
    }
    if (url.pathname === '/oauth/v1/token') {
      const asked = this.authorization;
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (!basic || asked === undefined || form.get('code') !== 'the-code' || challenge !== asked.get('code_challenge') || form.get('redirect_uri') !== asked.get('redirect_uri')) {
        return json(400, { error: 'invalid_grant', error_description: 'refused' });
      }
      return json(200, { access_token: await this.token(), token_type: 'Bearer', expires_in: 900, refresh_token: 'r1', id_token: await this.idToken({ nonce: asked.get('nonce') }) });
    }
    return json(404, { error: { code: 'RESOURCE_NOT_FOUND', message: url.pathname } });
  };
}

describe('@sigma/iam-node SigmaIAM', () => {
  let suite: ScriptedSuite;
  const iamOf = (options: Partial<SigmaIAMNodeOptions> = {}) => new SigmaIAM({ baseURL: BASE, clientId: 'app', clientSecret: 'secret', fetch: suite.fetch, retryDelayMs: 0, ...options });

  beforeEach(async () => {
    suite = await new ScriptedSuite().init();
  });

  describe('verifyToken', () => {
    it("answers the token's user with the profile read once per token (seed 000: user.full_name)", async () => {
      const iam = iamOf();
      const token = await suite.token();
      const user = await iam.verifyToken(token);
      expect(user).toMatchObject({ id: USER_ID, sub: USER_ID, tenant_id: TID, full_name: 'Ada Lovelace', email: 'ada@example.com', roles: ['user'], permissions: ['orders:read'], scopes: ['openid', 'profile'], is_client: false });
      await Promise.all([iam.verifyToken(token), iam.verifyToken(token)]);
      expect(suite.count('/api/v1/me')).toBe(1);
      expect(suite.count('/.well-known/jwks.json')).toBe(1);
      await iam.verifyToken(await suite.token());
      expect(suite.count('/api/v1/me')).toBe(2);
    });

    it("with profile 'claims' reads nothing but the key set; a client's own token has no profile", async () => {
      const user = await iamOf({ profile: 'claims' }).verifyToken(await suite.token());
      expect(user).toMatchObject({ id: USER_ID, full_name: null, email: null });
      const client = await iamOf().verifyToken(await suite.token({ sub: 'app', sid: undefined }));
      expect(client).toMatchObject({ id: 'app', is_client: true, full_name: null });
      expect(suite.count('/api/v1/me')).toBe(0);
    });

    it('refuses tampered, expired and DPoP-bound tokens, and a token the suite refuses when its profile is read', async () => {
      const iam = iamOf();
      const token = await suite.token();
      await expect(iam.verifyToken(`${token.slice(0, -3)}AAA`)).rejects.toMatchObject({ code: 'INVALID_TOKEN', status: 401 });
      await expect(iam.verifyToken(await suite.token({ exp: Math.floor(Date.now() / 1000) - 60 }))).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
      await expect(iam.verifyToken(await suite.token({ cnf: { jkt: 'x' } }))).rejects.toMatchObject({ code: 'INVALID_TOKEN', message: expect.stringContaining('DPoP-bound') });
      suite.inactive.add(token);
      await expect(iam.verifyToken(token)).rejects.toMatchObject({ code: 'INVALID_TOKEN', message: 'The suite refused the token' });
    });

    it('checks revocation by introspection or with a deny list when asked', async () => {
      const token = await suite.token();
      const strict = iamOf({ revocationCheck: 'introspection', profile: 'claims' });
      await expect(strict.verifyToken(token)).resolves.toMatchObject({ id: USER_ID });
      suite.inactive.add(token);
      await expect(strict.verifyToken(token)).rejects.toMatchObject({ code: 'INVALID_TOKEN', message: 'The token has been revoked' });
      await expect(iamOf({ profile: 'claims' }).verifyToken(token)).resolves.toMatchObject({ id: USER_ID });

      const denyList = new DenyList();
      const listed = iamOf({ revocationCheck: denyList, profile: 'claims' });
      const other = await suite.token({ sid: 'c3d4e5f6-0000-4000-8000-000000000001' });
      await expect(listed.verifyToken(other)).resolves.toBeDefined();
      denyList.revokeSession('c3d4e5f6-0000-4000-8000-000000000001');
      await expect(listed.verifyToken(other)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
      expect(() => new SigmaIAM({ baseURL: BASE, clientId: 'app', revocationCheck: 'introspection' })).toThrow('clientSecret');
      // The app's own credentials refused: the token cannot be checked (503 for the caller, not 401).
      const misconfigured = iamOf({ clientSecret: 'wrong', revocationCheck: 'introspection', profile: 'claims' });
      await expect(misconfigured.verifyToken(await suite.token())).rejects.toMatchObject({ code: 'INTROSPECTION_FAILED', status: 0 });
      await expect(misconfigured.authenticate({ method: 'GET', url: `${APP}/x`, headers: { authorization: `Bearer ${await suite.token()}` } })).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    });
  });

  describe('authenticate', () => {
    const request = (headers: Record<string, string>, method = 'GET') => ({ method, url: `${APP}/orders`, headers });

    it('accepts a Bearer token and answers a challenge for none, a malformed header, a bad token or a missing permission', async () => {
      const iam = iamOf({ profile: 'claims' });
      const token = await suite.token();
      await expect(iam.authenticate(request({ authorization: `Bearer ${token}` }))).resolves.toMatchObject({ user: { id: USER_ID }, auth: { scheme: 'Bearer', token } });
      const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as AuthenticationError);
      expect(await refusal(iam.authenticate(request({})))).toMatchObject({ status: 401, code: 'AUTHENTICATION_REQUIRED', wwwAuthenticate: 'Bearer realm="sigma-iam", DPoP realm="sigma-iam", algs="ES256 ES384 EdDSA PS256 RS256"' });
      expect(await refusal(iam.authenticate(request({ authorization: 'Basic abc' })))).toMatchObject({ status: 401, code: 'AUTHENTICATION_REQUIRED' });
      expect(await refusal(iam.authenticate(request({ authorization: 'Bearer a"b' })))).toMatchObject({ status: 400, wwwAuthenticate: expect.stringContaining('error="invalid_request"') });
      expect(await refusal(iam.authenticate(request({ authorization: `Bearer ${token}x` })))).toMatchObject({ status: 401, wwwAuthenticate: expect.stringMatching(/^Bearer realm="sigma-iam", error="invalid_token", error_description="[^"]+"$/) });
      const user = (await iam.authenticate(request({ authorization: `Bearer ${token}` }))).user;
      expect(() => iam.assertPermissions(user, ['orders:read'])).not.toThrow();
      expect(() => iam.assertPermissions({ permissions: ['orders:*'] }, ['orders:write'])).not.toThrow();
      expect(() => iam.assertPermissions({ permissions: ['*'] }, ['users:delete'])).not.toThrow();
      expect(() => iam.assertPermissions(user, ['orders:read', 'users:read'])).toThrow(expect.objectContaining({ status: 403, code: 'INSUFFICIENT_PERMISSIONS', wwwAuthenticate: expect.stringContaining('error="insufficient_scope"') }));
    });

    it('needs the DPoP scheme and a valid proof for a bound token, and refuses the DPoP scheme for an unbound one', async () => {
      const iam = iamOf();
      const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = await exportJWK(publicKey);
      const token = await suite.token({ cnf: { jkt: await calculateJwkThumbprint(jwk) } });
      const proof = (htu = `${APP}/orders`) =>
        new SignJWT({ htm: 'GET', htu, jti: randomUUID(), ath: createHash('sha256').update(token).digest('base64url') }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).setIssuedAt().sign(privateKey);
      await expect(iam.authenticate(request({ authorization: `Bearer ${token}` }))).rejects.toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
      await expect(iam.authenticate(request({ authorization: `DPoP ${token}` }))).rejects.toMatchObject({ status: 401, code: 'INVALID_DPOP_PROOF', wwwAuthenticate: expect.stringMatching(/^DPoP realm="sigma-iam", error="invalid_dpop_proof"/) });
      await expect(iam.authenticate(request({ authorization: `DPoP ${token}`, dpop: await proof(`${APP}/elsewhere`) }))).rejects.toMatchObject({ code: 'INVALID_DPOP_PROOF' });
      // No profile for a bound token: the SDK cannot call the suite with it (it has no proof key).
      await expect(iam.authenticate(request({ authorization: `DPoP ${token}`, dpop: await proof() }))).resolves.toMatchObject({ auth: { scheme: 'DPoP', jkt: await calculateJwkThumbprint(jwk) }, user: { full_name: null } });
      expect(suite.count('/api/v1/me')).toBe(0);
      await expect(iam.authenticate(request({ authorization: `DPoP ${await suite.token()}`, dpop: await proof() }))).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
      const storeDown = iamOf({ dpopReplayStore: { use: () => Promise.reject(new Error('redis is down')) } });
      await expect(storeDown.authenticate(request({ authorization: `DPoP ${token}`, dpop: await proof() }))).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    });

    it('answers 503 when the key set cannot be fetched', async () => {
      const iam = iamOf({ fetch: () => Promise.reject(new TypeError('connection refused')), retries: 0 });
      await expect(iam.authenticate(request({ authorization: `Bearer ${await suite.token()}` }))).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    });
  });

  describe('Express', () => {
    let server: ReturnType<ReturnType<typeof express>['listen']>;
    let base: string;

    async function start(app: ReturnType<typeof express>): Promise<void> {
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    afterEach(async () => {
      await new Promise((resolve) => server?.close(resolve));
    });

    it('requireAuth and requirePermission set req.user and req.auth, or answer 401 / 403 with the challenge and the suite error body', async () => {
      const iam = iamOf();
      const app = express();
      app.get('/me', iam.requireAuth(), (req, res) => {
        res.json({ name: req.user?.full_name, scheme: req.auth?.scheme });
      });
      app.get('/orders', iam.requireAuth({ profile: 'claims' }), iam.requirePermission('orders:read'), (req, res) => {
        res.json({ id: req.user?.id });
      });
      app.get('/users', iam.requirePermission('users:read'), (_req, res) => {
        res.json({ ok: true });
      });
      await start(app);
      const token = await suite.token();
      const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

      expect(await (await get('/me', { authorization: `Bearer ${token}` })).json()).toEqual({ name: 'Ada Lovelace', scheme: 'Bearer' });
      expect(await (await get('/orders', { authorization: `Bearer ${token}` })).json()).toEqual({ id: USER_ID });
      const none = await get('/me');
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toContain('Bearer realm="sigma-iam"');
      expect(none.headers.get('cache-control')).toBe('no-store');
      expect(await none.json()).toEqual({ error: { code: 'AUTHENTICATION_REQUIRED', message: 'This resource needs an access token', timestamp: expect.any(String) } });
      const forbidden = await get('/users', { authorization: `Bearer ${token}` });
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toMatchObject({ error: { code: 'INSUFFICIENT_PERMISSIONS', message: 'This resource needs the permission users:read' } });
      expect((await get('/users')).status).toBe(401);
    });

    it("runs the login: /login keeps state and PKCE verifier in the session, seed 000's callback redeems the code alone", async () => {
      const iam = iamOf({ redirectUri: `${APP}/auth/callback` });
      const app = express();
      app.use(session({ secret: 'test-secret', resave: false, saveUninitialized: false }));
      app.use(iam.middleware());
      app.get('/login', iam.loginHandler({ scope: 'openid profile' }));
      app.get('/auth/callback', async (req, res) => {
        try {
          const tokens = await iam.exchangeCodeForTokens(String(req.query['code']));
          (req.session as unknown as { tokens: unknown }).tokens = tokens;
          res.redirect('/dashboard');
        } catch (error) {
          res.status(400).json({ error: (error as { code?: string }).code });
        }
      });
      await start(app);

      const login = await fetch(`${base}/login?returnTo=//evil.example`, { redirect: 'manual' });
      expect(login.status).toBe(303);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
      const location = new URL(login.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(`${BASE}/oauth/v1/authorize`);
      suite.authorization = location.searchParams;
      expect(Object.fromEntries(location.searchParams)).toMatchObject({ response_type: 'code', client_id: 'app', redirect_uri: `${APP}/auth/callback`, scope: 'openid profile', code_challenge_method: 'S256' });
      const state = location.searchParams.get('state') ?? '';

      const callback = (query: string, withCookie = cookie) => fetch(`${base}/auth/callback?${query}`, { headers: { cookie: withCookie }, redirect: 'manual' });
      // Another session, an unknown state, another issuer: refused before the code is redeemed.
      expect(await (await callback(`code=the-code&state=${state}`, '')).json()).toEqual({ error: 'invalid_state' });
      expect(await (await callback('code=the-code&state=unknown')).json()).toEqual({ error: 'invalid_state' });
      expect(suite.count('/oauth/v1/token')).toBe(0);

      const done = await callback(`code=the-code&state=${state}&iss=${encodeURIComponent(ISSUER)}`);
      expect(done.status).toBe(302);
      expect(done.headers.get('location')).toBe('/dashboard');
      expect(suite.count('/oauth/v1/token')).toBe(1);
      // The state is single use.
      expect(await (await callback(`code=the-code&state=${state}`)).json()).toEqual({ error: 'invalid_state' });
    });

    it('handleCallback refuses an error response, a foreign iss, and an ID token without the login nonce', async () => {
      const iam = iamOf({ redirectUri: `${APP}/cb` });
      const req = { url: '/login', session: {} as Record<string, unknown> };
      const start = async () => {
        const asked = new URL(await iam.startLogin(req)).searchParams;
        suite.authorization = asked;
        return asked;
      };
      await expect(iam.handleCallback({ ...req, url: `/cb?error=access_denied&state=${(await start()).get('state')}` })).rejects.toMatchObject({ code: 'access_denied' });
      await expect(iam.handleCallback({ ...req, url: `/cb?code=the-code&iss=https://evil.example&state=${(await start()).get('state')}` })).rejects.toMatchObject({ code: 'invalid_issuer' });
      const asked = await start();
      asked.set('nonce', 'another-nonce');
      await expect(iam.handleCallback({ ...req, url: `/cb?code=the-code&state=${asked.get('state')}` })).rejects.toMatchObject({ code: 'invalid_id_token' });
      const good = (await start()).get('state');
      await expect(iam.handleCallback({ ...req, url: `/cb?code=the-code&state=${good}` })).resolves.toMatchObject({ tokens: { refreshToken: 'r1' }, idTokenClaims: { sub: USER_ID }, returnTo: '/' });
      await expect(iam.startLogin({ url: '/login' })).rejects.toThrow('req.session');
    });

    it('keeps no user tokens in a shared instance; forUser gives a client acting for one user', async () => {
      const iam = iamOf({ redirectUri: `${APP}/cb` });
      const req = { url: '/login', session: {} as Record<string, unknown> };
      suite.authorization = new URL(await iam.startLogin(req)).searchParams;
      const { tokens } = await iam.handleCallback({ ...req, url: `/cb?code=the-code&state=${suite.authorization.get('state')}` });
      await expect(iam.getProfile()).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
      const user = iam.forUser({ get: () => ({ accessToken: tokens.accessToken, source: 'oauth' }), set: () => undefined, clear: () => undefined });
      expect(user).toBeInstanceOf(CoreSigmaIAM);
      await expect(user.getProfile()).resolves.toMatchObject({ full_name: 'Ada Lovelace' });
    });
  });
});
