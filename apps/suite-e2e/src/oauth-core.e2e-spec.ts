import { DistributedSuite, readJson, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { AccessTokenVerifier, issuerOf } from '@sigma/shared/util-auth';
import { calculateJwkThumbprint, CryptoKey, decodeJwt, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

jest.setTimeout(180000);

const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'e2e-bootstrap-password-oauth';
const PREFIXES = ['/oauth', '/oauth/v1', '/api/oauth'] as const;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface Registered {
  client_id: string;
  client_secret: string | null;
}

/**
 * The OAuth endpoints of issue 4 that do not need a browser, as certified relying-party libraries
 * (openid-client v6, oauth4webapi v3) meet them: through the gateway of the distributed topology
 * (real PostgreSQL and Kafka), with clients registered through the registry's admin API.
 */
describe('OAuth token endpoint, DPoP, introspection and revocation through the gateway', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let db: Client;
  let gateway: string;
  let tenantId: string;
  let adminToken: string;
  let verifier: AccessTokenVerifier;

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD });
    gateway = suite.gateway.url;
    db = new Client({ connectionString: postgres.url });
    await db.connect();
    tenantId = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'")).rows[0].id;
    verifier = new AccessTokenVerifier({ publicUrl: gateway, jwksUrl: (tid) => `${gateway}/.well-known/jwks.json?tenant_id=${tid}` });
    const login = await fetch(`${gateway}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    });
    adminToken = (await readJson<{ access_token: string }>(login)).access_token;
  });

  afterAll(async () => {
    await db?.end();
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  const register = async (body: Record<string, unknown>): Promise<Registered> => {
    const answer = await fetch(`${gateway}/api/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ client_name: `oauth e2e ${randomUUID()}`, redirect_uris: ['https://app.example/cb'], allowed_grant_types: ['client_credentials'], allowed_scopes: ['api:read', 'api:write'], ...body }),
    });
    expect(answer.status).toBe(201);
    return readJson<Registered>(answer);
  };
  const issuer = () => new URL(issuerOf(gateway, tenantId));
  /** openid-client's configuration from discovery, with the token endpoint under the given prefix. */
  const configure = async (registered: Registered, auth: client.ClientAuth, prefix: (typeof PREFIXES)[number] = '/oauth'): Promise<client.Configuration> => {
    const discovered = await client.discovery(issuer(), registered.client_id, undefined, auth, { execute: [client.allowInsecureRequests] });
    // The metadata without its helper method (supportsPKCE), which is not part of the JSON document.
    const { supportsPKCE, ...metadata } = discovered.serverMetadata();
    const endpoints = {
      token_endpoint: `${gateway}${prefix}/token`,
      introspection_endpoint: `${gateway}${prefix}/introspect`,
      revocation_endpoint: `${gateway}${prefix}/revoke`,
      userinfo_endpoint: `${gateway}${prefix}/userinfo`,
      authorization_endpoint: `${gateway}${prefix}/authorize`,
    };
    const config = new client.Configuration({ ...metadata, ...endpoints }, registered.client_id, undefined, auth);
    client.allowInsecureRequests(config);
    return config;
  };
  const oauthErrorOf = async (work: Promise<unknown>): Promise<{ status: number; error: string }> => {
    try {
      await work;
    } catch (error) {
      if (error instanceof client.ResponseBodyError) return { status: error.status, error: error.error };
      // A 401 carries a challenge (Basic for invalid_client): the client library reports it as such.
      if (error instanceof client.WWWAuthenticateChallengeError) return { status: error.status, error: (await readJson<{ error: string }>(error.response)).error };
      throw error;
    }
    throw new Error('expected an OAuth error response');
  };
  const rawToken = (params: Record<string, string>, headers: Record<string, string> = {}, prefix = '/oauth') =>
    fetch(`${gateway}${prefix}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params).toString() });
  const basic = (registered: Registered) => `Basic ${Buffer.from(`${registered.client_id}:${registered.client_secret ?? ''}`).toString('base64')}`;
  const expectOAuthError = async (answer: Response, status: number, error: string): Promise<void> => {
    expect({ status: answer.status, body: await answer.json(), cacheControl: answer.headers.get('cache-control') }).toEqual({
      status,
      body: { error, error_description: expect.any(String) },
      cacheControl: 'no-store',
    });
  };

  describe('discovery', () => {
    it('serves per-tenant metadata that openid-client and oauth4webapi accept, at the issuer location and the seed path', async () => {
      const config = await client.discovery(issuer(), 'any', undefined, client.None(), { execute: [client.allowInsecureRequests] });
      const metadata = config.serverMetadata();
      expect(metadata).toMatchObject({
        issuer: issuer().href,
        token_endpoint: `${gateway}/oauth/token`,
        introspection_endpoint: `${gateway}/oauth/introspect`,
        revocation_endpoint: `${gateway}/oauth/revoke`,
        userinfo_endpoint: `${gateway}/oauth/userinfo`,
        jwks_uri: `${gateway}/.well-known/jwks.json?tenant_id=${tenantId}`,
        authorization_response_iss_parameter_supported: true,
        dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256', 'PS256'],
      });
      expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials', 'refresh_token']));
      expect(metadata.token_endpoint_auth_signing_alg_values_supported).not.toEqual(expect.arrayContaining(['none', 'HS256']));

      const as = await oauth.processDiscoveryResponse(issuer(), await oauth.discoveryRequest(issuer(), { [oauth.allowInsecureRequests]: true }));
      expect(as.issuer).toBe(issuer().href);
      const seedPath = await fetch(`${gateway}/.well-known/openid-configuration?tenant_id=${tenantId}`);
      expect(await seedPath.json()).toEqual(metadata);
      expect((await fetch(`${gateway}/.well-known/openid-configuration?tenant_id=${randomUUID()}`)).status).toBe(404);
    });
  });

  describe('client_credentials', () => {
    it.each(PREFIXES)('issues tokens to client_secret_basic, client_secret_post and private_key_jwt clients under %s', async (prefix) => {
      const basicClient = await register({});
      const basicTokens = await client.clientCredentialsGrant(await configure(basicClient, client.ClientSecretBasic(basicClient.client_secret ?? ''), prefix), { scope: 'api:read' });
      expect(basicTokens).toMatchObject({ token_type: 'bearer', scope: 'api:read', expires_in: 900 });
      await expect(verifier.verify(basicTokens.access_token)).resolves.toMatchObject({ clientId: basicClient.client_id, tenantId, userId: undefined, scopes: ['api:read'] });

      const postClient = await register({ token_endpoint_auth_method: 'client_secret_post' });
      const postTokens = await client.clientCredentialsGrant(await configure(postClient, client.ClientSecretPost(postClient.client_secret ?? ''), prefix));
      expect(postTokens.scope).toBe('api:read api:write');

      const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
      const jwtClient = await register({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'e2e', alg: 'ES256', use: 'sig' }] } });
      const jwtTokens = await client.clientCredentialsGrant(await configure(jwtClient, client.PrivateKeyJwt({ key: privateKey, kid: 'e2e' }), prefix), { scope: 'api:write' });
      await expect(verifier.verify(jwtTokens.access_token)).resolves.toMatchObject({ clientId: jwtClient.client_id, scopes: ['api:write'] });
    });

    it('binds tokens to a DPoP key (openid-client DPoP handle) and enforces dpop_bound clients', async () => {
      const registered = await register({ dpop_bound: true });
      const config = await configure(registered, client.ClientSecretBasic(registered.client_secret ?? ''));
      const keyPair = await client.randomDPoPKeyPair('ES256');
      const tokens = await client.clientCredentialsGrant(config, undefined, { DPoP: client.getDPoPHandle(config, keyPair) });
      expect(tokens.token_type).toBe('dpop');
      const caller = await verifier.verify(tokens.access_token);
      expect(caller.jkt).toBe(await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)));
      expect(await oauthErrorOf(client.clientCredentialsGrant(config))).toEqual({ status: 400, error: 'invalid_dpop_proof' });
    });

    it('refuses a wrong secret, another tenant, a scope not allowed and an unknown grant type with RFC 6749 codes', async () => {
      const registered = await register({});
      const wrong = await configure({ ...registered, client_secret: 'wrong' }, client.ClientSecretBasic('wrong'));
      expect(await oauthErrorOf(client.clientCredentialsGrant(wrong))).toEqual({ status: 401, error: 'invalid_client' });
      const config = await configure(registered, client.ClientSecretBasic(registered.client_secret ?? ''));
      expect(await oauthErrorOf(client.clientCredentialsGrant(config, { scope: 'admin:all' }))).toEqual({ status: 400, error: 'invalid_scope' });
      const otherTenant = await fetch(`${gateway}/api/v1/tenants`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ name: `OAuth other ${randomUUID().slice(0, 8)}` }),
      });
      expect(otherTenant.status).toBe(201);
      const otherId = (await readJson<{ id: string }>(otherTenant)).id;
      await expectOAuthError(await rawToken({ grant_type: 'client_credentials', tenant_id: otherId }, { authorization: basic(registered) }), 401, 'invalid_client');
      const byQuery = await fetch(`${gateway}/oauth/token?tenant_id=${otherId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(registered) },
        body: 'grant_type=client_credentials',
      });
      await expectOAuthError(byQuery, 401, 'invalid_client');
      await expectOAuthError(await rawToken({ grant_type: 'password', username: 'a', password: 'b' }, { authorization: basic(registered) }), 400, 'unsupported_grant_type');
      await expectOAuthError(await rawToken({ grant_type: 'refresh_token', refresh_token: 'x' }, { authorization: basic(registered) }), 400, 'unauthorized_client');
    });
  });

  describe('RFC 9700 negative cases', () => {
    const dpopKey = async (): Promise<{ privateKey: CryptoKey; jwk: JWK }> => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      return { privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey) };
    };
    const proof = (key: { privateKey: CryptoKey; jwk: JWK }, claims: Record<string, unknown> = {}) =>
      new SignJWT({ jti: randomUUID(), htm: 'POST', htu: `${gateway}/oauth/token`, iat: Math.floor(Date.now() / 1000), ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
        .sign(key.privateKey);
    const unsigned = (header: Record<string, unknown>, payload: Record<string, unknown>) =>
      `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;

    it('refuses DPoP proof replay, wrong htm and htu, alg none and HS256 as invalid_dpop_proof', async () => {
      const registered = await register({});
      const auth = { authorization: basic(registered) };
      const key = await dpopKey();
      const once = await proof(key);
      expect((await rawToken({ grant_type: 'client_credentials' }, { ...auth, dpop: once })).status).toBe(200);
      await expectOAuthError(await rawToken({ grant_type: 'client_credentials' }, { ...auth, dpop: once }), 400, 'invalid_dpop_proof');
      await expectOAuthError(await rawToken({ grant_type: 'client_credentials' }, { ...auth, dpop: await proof(key, { htm: 'GET' }) }), 400, 'invalid_dpop_proof');
      await expectOAuthError(await rawToken({ grant_type: 'client_credentials' }, { ...auth, dpop: await proof(key, { htu: `${gateway}/api/oauth/token` }) }), 400, 'invalid_dpop_proof');
      const claims = { jti: randomUUID(), htm: 'POST', htu: `${gateway}/oauth/token`, iat: Math.floor(Date.now() / 1000) };
      await expectOAuthError(await rawToken({ grant_type: 'client_credentials' }, { ...auth, dpop: unsigned({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk }, claims) }), 400, 'invalid_dpop_proof');
      const hs256 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.jwk }).sign(new TextEncoder().encode('k'.repeat(32)));
      await expectOAuthError(await rawToken({ grant_type: 'client_credentials' }, { ...auth, dpop: hs256 }), 400, 'invalid_dpop_proof');
    });

    it('refuses client assertions with alg none, HS256 keyed with the public key, a replayed jti, or a foreign audience as invalid_client', async () => {
      const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), kid: 'neg', alg: 'ES256', use: 'sig' };
      const registered = await register({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
      const claims = (extra: Record<string, unknown> = {}) => ({ iss: registered.client_id, sub: registered.client_id, aud: issuer().href, jti: randomUUID(), iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60, ...extra });
      const assertion = (value: string) => ({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: value });
      const signed = (extra: Record<string, unknown> = {}) => new SignJWT(claims(extra)).setProtectedHeader({ alg: 'ES256', kid: 'neg' }).sign(privateKey);

      const once = await signed();
      expect((await rawToken(assertion(once))).status).toBe(200);
      await expectOAuthError(await rawToken(assertion(once)), 401, 'invalid_client');
      await expectOAuthError(await rawToken(assertion(unsigned({ alg: 'none' }, claims()))), 401, 'invalid_client');
      const confused = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'neg' }).sign(new TextEncoder().encode(JSON.stringify(jwk)));
      await expectOAuthError(await rawToken(assertion(confused)), 401, 'invalid_client');
      await expectOAuthError(await rawToken(assertion(await signed({ aud: 'https://elsewhere.example/token' }))), 401, 'invalid_client');
    });
  });

  describe('introspection and revocation', () => {
    it.each(PREFIXES)('introspects and revokes with openid-client under %s', async (prefix) => {
      const registered = await register({});
      const config = await configure(registered, client.ClientSecretBasic(registered.client_secret ?? ''), prefix);
      const tokens = await client.clientCredentialsGrant(config, { scope: 'api:read' });
      const active = await client.tokenIntrospection(config, tokens.access_token);
      expect(active).toMatchObject({ active: true, client_id: registered.client_id, scope: 'api:read', token_type: 'Bearer', sub: registered.client_id, tid: tenantId, iss: issuer().href });
      expect(await client.tokenIntrospection(config, 'not-a-token')).toEqual({ active: false });
      await client.tokenRevocation(config, tokens.access_token);
      expect(await client.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
      await client.tokenRevocation(config, 'unknown-token');
    });

    it("answers seed 003's JSON introspection with a client_credentials bearer token, and 401 without one", async () => {
      const registered = await register({});
      const config = await configure(registered, client.ClientSecretBasic(registered.client_secret ?? ''));
      const caller = await client.clientCredentialsGrant(config);
      const subject = await client.clientCredentialsGrant(config, { scope: 'api:write' });
      const answer = await fetch(`${gateway}/api/oauth/introspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${caller.access_token}` },
        body: JSON.stringify({ token: subject.access_token }),
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ active: true, scope: 'api:write', client_id: registered.client_id, exp: decodeJwt(subject.access_token).exp });
      const anonymous = await fetch(`${gateway}/api/oauth/introspect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: subject.access_token }) });
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error: 'invalid_token' });
    });

    it('refuses a client token at userinfo and a wrong secret at introspection', async () => {
      const registered = await register({});
      const config = await configure(registered, client.ClientSecretBasic(registered.client_secret ?? ''));
      const tokens = await client.clientCredentialsGrant(config);
      const info = await fetch(`${gateway}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(info.status).toBe(401);
      expect(await info.json()).toMatchObject({ error: 'invalid_token' });
      const bad = await fetch(`${gateway}/oauth/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic({ ...registered, client_secret: 'nope' }) }, body: new URLSearchParams({ token: tokens.access_token }) });
      await expectOAuthError(bad, 401, 'invalid_client');
    });
  });

  describe('refresh_token and userinfo after an authorization code (login page driven over HTTP)', () => {
    const REDIRECT = 'https://app.example/cb';

    /** Signs the admin in through the authorization endpoint and the login form (first-party: no consent) and redeems the code. */
    const codeFlow = async (config: client.Configuration, dpop?: client.DPoPHandle) => {
      const jar = new Map<string, string>();
      const go = async (url: string, init: RequestInit = {}): Promise<Response> => {
        const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
        const answer = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
        for (const set of answer.headers.getSetCookie()) {
          const pair = set.split(';')[0];
          jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
        }
        return answer;
      };
      const followToCallback = async (answer: Response): Promise<Response | URL> => {
        while (answer.status === 302 || answer.status === 303) {
          const location = new URL(answer.headers.get('location') ?? '', gateway);
          if (location.href.startsWith(REDIRECT)) return location;
          answer = await go(location.href);
        }
        return answer;
      };
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const authorization = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid profile email',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const page = await followToCallback(await go(authorization.href));
      if (page instanceof URL) throw new Error('expected the login page');
      const html = await page.text();
      const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
      const form = new URLSearchParams({ login_challenge: hidden('login_challenge'), csrf_token: hidden('csrf_token'), username: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      const callback = await followToCallback(await go(`${gateway}/oauth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }));
      if (!(callback instanceof URL)) throw new Error(`expected the redirect to the client, got ${callback.status}`);
      return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }, undefined, dpop ? { DPoP: dpop } : undefined);
    };

    it.each(PREFIXES)('rotates refresh tokens under %s; reuse of a spent one revokes the session (introspection and userinfo follow)', async (prefix) => {
      const registered = await register({ allowed_grant_types: ['authorization_code', 'refresh_token'], allowed_scopes: ['openid', 'profile', 'email'], redirect_uris: [REDIRECT], first_party: true });
      const config = await configure(registered, client.ClientSecretBasic(registered.client_secret ?? ''), prefix);
      const first = await codeFlow(config);
      const sub = first.claims()?.sub ?? '';
      expect(await client.fetchUserInfo(config, first.access_token, sub)).toMatchObject({ sub, email: ADMIN_EMAIL, email_verified: expect.any(Boolean) });

      const second = await client.refreshTokenGrant(config, first.refresh_token ?? '');
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.claims()).toMatchObject({ sub, aud: registered.client_id });
      expect(await client.tokenIntrospection(config, second.access_token)).toMatchObject({ active: true, sub, client_id: registered.client_id });

      expect(await oauthErrorOf(client.refreshTokenGrant(config, first.refresh_token ?? ''))).toEqual({ status: 400, error: 'invalid_grant' });
      expect(await oauthErrorOf(client.refreshTokenGrant(config, second.refresh_token ?? ''))).toEqual({ status: 400, error: 'invalid_grant' });
      expect(await client.tokenIntrospection(config, second.access_token)).toEqual({ active: false });
      const info = await fetch(`${gateway}${prefix}/userinfo`, { headers: { authorization: `Bearer ${second.access_token}` } });
      expect(info.status).toBe(401);
    });

    it("binds a public client's tokens and refresh tokens to its DPoP key, and revocation ends the session", async () => {
      const registered = await register({
        client_type: 'public',
        token_endpoint_auth_method: 'none',
        allowed_grant_types: ['authorization_code', 'refresh_token'],
        allowed_scopes: ['openid', 'profile', 'email'],
        redirect_uris: [REDIRECT],
        first_party: true,
        dpop_bound: true,
      });
      const config = await configure({ ...registered, client_secret: null }, client.None());
      const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      const tokens = await codeFlow(config, dpop);
      expect(tokens.token_type).toBe('dpop');
      const sub = tokens.claims()?.sub ?? '';
      expect(await client.fetchUserInfo(config, tokens.access_token, sub, { DPoP: dpop })).toMatchObject({ sub });
      const bearer = await fetch(`${gateway}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(bearer.status).toBe(401);

      const otherKey = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      expect(await oauthErrorOf(client.refreshTokenGrant(config, tokens.refresh_token ?? '', undefined, { DPoP: otherKey }))).toEqual({ status: 400, error: 'invalid_grant' });
      const next = await client.refreshTokenGrant(config, tokens.refresh_token ?? '', undefined, { DPoP: dpop });
      expect(next.token_type).toBe('dpop');

      await client.tokenRevocation(config, next.refresh_token ?? '');
      expect(await oauthErrorOf(client.refreshTokenGrant(config, next.refresh_token ?? '', undefined, { DPoP: dpop }))).toEqual({ status: 400, error: 'invalid_grant' });
    });
  });
});
