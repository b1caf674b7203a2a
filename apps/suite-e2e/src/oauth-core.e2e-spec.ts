import { DpopNonces } from '@sigma/auth/feature-oauth';
import { DistributedSuite, readJson, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { AccessTokenVerifier, issuerOf } from '@sigma/shared/util-auth';
import { calculateJwkThumbprint, CryptoKey, decodeJwt, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';

jest.setTimeout(180000);

const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'e2e-bootstrap-password-oauth';
const PREFIXES = ['/oauth', '/oauth/v1', '/api/oauth'] as const;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Shared by every auth-server replica: DPoP nonces are derived from it (ADR 10, 15). */
const SECRETS_ENCRYPTION_KEY = randomBytes(32).toString('hex');
const DPOP_CHALLENGE_ALGS = 'algs="ES256 EdDSA RS256 PS256"';

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
  let authServer: string;
  let tenantId: string;
  let adminToken: string;
  let verifier: AccessTokenVerifier;

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD, SECRETS_ENCRYPTION_KEY });
    gateway = suite.gateway.url;
    authServer = suite.services['auth-server'].url;
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

  type DpopKey = { privateKey: CryptoKey; jwk: JWK };
  const dpopKey = async (): Promise<DpopKey> => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    return { privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey) };
  };
  /** A DPoP proof for the gateway's token endpoint unless the claims say otherwise. */
  const proof = (key: DpopKey, claims: Record<string, unknown> = {}) =>
    new SignJWT({ jti: randomUUID(), htm: 'POST', htu: `${gateway}/oauth/token`, iat: Math.floor(Date.now() / 1000), ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
      .sign(key.privateKey);
  const athOf = (token: string) => createHash('sha256').update(token).digest('base64url');

  describe('discovery', () => {
    it('serves per-tenant metadata that openid-client and oauth4webapi accept, at the issuer location and the seed path', async () => {
      const config = await client.discovery(issuer(), 'any', undefined, client.None(), { execute: [client.allowInsecureRequests] });
      const metadata = config.serverMetadata();
      const authMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
      const assertionAlgs = ['ES256', 'ES384', 'ES512', 'EdDSA', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'];
      // Exactly what is served: no request objects, S256 only while no client of the tenant allows plain, code only while none allows implicit.
      expect(metadata).toEqual({
        issuer: issuer().href,
        authorization_endpoint: `${gateway}/oauth/authorize`,
        pushed_authorization_request_endpoint: `${gateway}/oauth/par`,
        device_authorization_endpoint: `${gateway}/oauth/device_authorization`,
        end_session_endpoint: `${gateway}/oauth/logout`,
        token_endpoint: `${gateway}/oauth/token`,
        introspection_endpoint: `${gateway}/oauth/introspect`,
        revocation_endpoint: `${gateway}/oauth/revoke`,
        userinfo_endpoint: `${gateway}/oauth/userinfo`,
        jwks_uri: `${gateway}/.well-known/jwks.json?tenant_id=${tenantId}`,
        grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        code_challenge_methods_supported: ['S256'],
        prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
        require_pushed_authorization_requests: false,
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256', 'EdDSA'],
        token_endpoint_auth_methods_supported: authMethods,
        token_endpoint_auth_signing_alg_values_supported: assertionAlgs,
        introspection_endpoint_auth_methods_supported: authMethods,
        introspection_endpoint_auth_signing_alg_values_supported: assertionAlgs,
        revocation_endpoint_auth_methods_supported: authMethods,
        revocation_endpoint_auth_signing_alg_values_supported: assertionAlgs,
        dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256', 'PS256'],
        claims_supported: expect.arrayContaining(['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'sid', 'email', 'email_verified']),
        authorization_response_iss_parameter_supported: true,
      });

      const as = await oauth.processDiscoveryResponse(issuer(), await oauth.discoveryRequest(issuer(), { [oauth.allowInsecureRequests]: true }));
      expect(as.issuer).toBe(issuer().href);
      const seedPath = await fetch(`${gateway}/.well-known/openid-configuration?tenant_id=${tenantId}`);
      expect(await seedPath.json()).toEqual(metadata);
      expect((await fetch(`${gateway}/.well-known/openid-configuration?tenant_id=${randomUUID()}`)).status).toBe(404);
    });

    it('lists PKCE plain and implicit responses once a client of the tenant is registered for them', async () => {
      const metadataNow = async () => readJson<Record<string, unknown>>(await fetch(`${gateway}/.well-known/openid-configuration?tenant_id=${tenantId}`));
      await register({ allowed_grant_types: ['authorization_code'], allow_plain_pkce: true });
      expect(await metadataNow()).toMatchObject({ code_challenge_methods_supported: ['S256', 'plain'], response_types_supported: ['code'], response_modes_supported: ['query'] });
      await register({ allowed_grant_types: ['authorization_code', 'implicit'], allow_implicit: true });
      const metadata = await metadataNow();
      expect(metadata).toMatchObject({ response_types_supported: ['code', 'token'], response_modes_supported: ['query', 'fragment'], request_parameter_supported: false });
      expect(metadata['grant_types_supported']).toContain('implicit');
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

  describe('DPoP nonces (RFC 9449 §8)', () => {
    it('asks a client registered with dpop_nonce_required for a nonce; openid-client and oauth4webapi retry with it', async () => {
      const registered = await register({ dpop_nonce_required: true });
      const auth = { authorization: basic(registered) };
      const key = await dpopKey();
      const refused = await rawToken({ grant_type: 'client_credentials' }, { ...auth, dpop: await proof(key) });
      const nonce = refused.headers.get('dpop-nonce') ?? '';
      await expectOAuthError(refused, 400, 'use_dpop_nonce');
      expect(nonce).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]+$/);
      const accepted = await rawToken({ grant_type: 'client_credentials' }, { ...auth, dpop: await proof(key, { nonce }) });
      expect(accepted.status).toBe(200);
      expect(accepted.headers.get('dpop-nonce')).toEqual(expect.any(String));
      expect(await accepted.json()).toMatchObject({ token_type: 'DPoP' });

      // openid-client retries the use_dpop_nonce answer by itself.
      const config = await configure(registered, client.ClientSecretBasic(registered.client_secret ?? ''));
      const tokens = await client.clientCredentialsGrant(config, undefined, { DPoP: client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256')) });
      expect(tokens.token_type).toBe('dpop');

      // oauth4webapi: the DPoP handle keeps the nonce of the refusal; the documented retry then succeeds.
      const as = await oauth.processDiscoveryResponse(issuer(), await oauth.discoveryRequest(issuer(), { [oauth.allowInsecureRequests]: true }));
      const rp: oauth.Client = { client_id: registered.client_id };
      const dpop = oauth.DPoP(rp, await oauth.generateKeyPair('ES256'));
      const request = () =>
        oauth
          .clientCredentialsGrantRequest(as, rp, oauth.ClientSecretBasic(registered.client_secret ?? ''), new URLSearchParams(), { DPoP: dpop, [oauth.allowInsecureRequests]: true })
          .then((response) => oauth.processClientCredentialsResponse(as, rp, response));
      let retried = false;
      const result = await request().catch((error: unknown) => {
        if (!oauth.isDPoPNonceError(error)) throw error;
        retried = true;
        return request();
      });
      expect({ retried, tokenType: result.token_type }).toEqual({ retried: true, tokenType: 'dpop' });
      await expect(verifier.verify(result.access_token)).resolves.toMatchObject({ clientId: registered.client_id, jkt: expect.any(String) });

      // A client without the flag is not asked (DPOP_REQUIRE_NONCE is off in this suite).
      const relaxed = await register({});
      const plain = await rawToken({ grant_type: 'client_credentials' }, { authorization: basic(relaxed), dpop: await proof(key) });
      expect({ status: plain.status, nonce: plain.headers.get('dpop-nonce') }).toEqual({ status: 200, nonce: null });
    });

    it('refuses made-up and expired nonces and accepts one any replica derives from the shared secret', async () => {
      const registered = await register({ dpop_nonce_required: true });
      const auth = { authorization: basic(registered) };
      const key = await dpopKey();
      const nonces = new DpopNonces(Buffer.from(SECRETS_ENCRYPTION_KEY, 'hex'));
      const madeUp = await rawToken({ grant_type: 'client_credentials' }, { ...auth, dpop: await proof(key, { nonce: 'made-up-nonce' }) });
      expect(madeUp.headers.get('dpop-nonce')).toEqual(expect.any(String));
      await expectOAuthError(madeUp, 400, 'use_dpop_nonce');
      // A genuine nonce of a period long gone (ten to fifteen minutes ago).
      const expired = nonces.current(new Date(Date.now() - 15 * 60000));
      await expectOAuthError(await rawToken({ grant_type: 'client_credentials' }, { ...auth, dpop: await proof(key, { nonce: expired }) }), 400, 'use_dpop_nonce');
      // Never handed out by this replica: stateless nonces need no shared store.
      const derived = await rawToken({ grant_type: 'client_credentials' }, { ...auth, dpop: await proof(key, { nonce: nonces.current(new Date()) }) });
      expect(derived.status).toBe(200);
    });

    it('asks for a nonce at PAR too, which openid-client retries', async () => {
      const registered = await register({ dpop_nonce_required: true, allowed_grant_types: ['authorization_code'], allowed_scopes: ['openid'] });
      const config = await configure(registered, client.ClientSecretBasic(registered.client_secret ?? ''));
      const url = await client.buildAuthorizationUrlWithPAR(
        config,
        { redirect_uri: 'https://app.example/cb', scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' },
        { DPoP: client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256')) },
      );
      expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    });
  });

  describe('DPoP when auth-server is called directly (ADR 15)', () => {
    it('accepts proofs for the URL the request reached or the public URL, never one across the two', async () => {
      const registered = await register({});
      const auth = { authorization: basic(registered) };
      const key = await dpopKey();
      const direct = (dpop: string, path = '/oauth/token') =>
        fetch(`${authServer}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth, dpop }, body: 'grant_type=client_credentials' });
      const internal = await direct(await proof(key, { htu: `${authServer}/oauth/token` }));
      expect(internal.status).toBe(200);
      const bound = await readJson<{ token_type: string; access_token: string }>(internal);
      expect(bound.token_type).toBe('DPoP');
      await expect(verifier.verify(bound.access_token)).resolves.toMatchObject({ jkt: await calculateJwkThumbprint(key.jwk) });
      expect((await direct(await proof(key, { htu: `${gateway}/oauth/token` }))).status).toBe(200);
      await expectOAuthError(await direct(await proof(key, { htu: `${authServer}/api/oauth/token` }), '/oauth/v1/token'), 400, 'invalid_dpop_proof');
      await expectOAuthError(await direct(await proof(key, { htu: `${authServer}/oauth/userinfo` })), 400, 'invalid_dpop_proof');
      await expectOAuthError(await direct(await proof(key, { htu: 'http://elsewhere.example:3001/oauth/token' })), 400, 'invalid_dpop_proof');
      // A proof for the internal address is refused through the gateway (the gateway marks what it forwards).
      await expectOAuthError(await rawToken({ grant_type: 'client_credentials' }, { ...auth, dpop: await proof(key, { htu: `${authServer}/oauth/token` }) }), 400, 'invalid_dpop_proof');
      // A proof naming the gateway, sent directly with a forged Host of the gateway, is the public URL anyway; a forged X-Forwarded-Host only narrows.
      const forwarded = await fetch(`${authServer}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth, 'x-forwarded-host': 'iam.example', dpop: await proof(key, { htu: `${authServer}/oauth/token` }) },
        body: 'grant_type=client_credentials',
      });
      await expectOAuthError(forwarded, 400, 'invalid_dpop_proof');

      // openid-client pointed at auth-server's internal address signs that address and is served.
      const { supportsPKCE, ...metadata } = (await configure(registered, client.ClientSecretBasic(registered.client_secret ?? ''))).serverMetadata();
      const internalConfig = new client.Configuration({ ...metadata, token_endpoint: `${authServer}/oauth/token` }, registered.client_id, undefined, client.ClientSecretBasic(registered.client_secret ?? ''));
      client.allowInsecureRequests(internalConfig);
      const tokens = await client.clientCredentialsGrant(internalConfig, undefined, { DPoP: client.getDPoPHandle(internalConfig, await client.randomDPoPKeyPair('ES256')) });
      expect(tokens.token_type).toBe('dpop');
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

    it('checks DPoP proofs at userinfo (ath, htm, htu, jti, nonce) and challenges DPoP tokens with DPoP, bearer tokens with Bearer', async () => {
      const registered = await register({
        client_type: 'public',
        token_endpoint_auth_method: 'none',
        allowed_grant_types: ['authorization_code'],
        allowed_scopes: ['openid', 'profile', 'email'],
        redirect_uris: [REDIRECT],
        first_party: true,
        dpop_bound: true,
        dpop_nonce_required: true,
      });
      const config = await configure({ ...registered, client_secret: null }, client.None());
      const pair = await generateKeyPair('ES256', { extractable: true });
      const key = { privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey) };
      const dpop = client.getDPoPHandle(config, pair);
      // openid-client meets use_dpop_nonce at the token endpoint and retries by itself.
      const tokens = await codeFlow(config, dpop);
      const sub = tokens.claims()?.sub ?? '';
      expect(await client.fetchUserInfo(config, tokens.access_token, sub, { DPoP: dpop })).toMatchObject({ sub, email: ADMIN_EMAIL });

      const userinfo = `${gateway}/oauth/userinfo`;
      const get = (headers: Record<string, string>) => fetch(userinfo, { headers });
      const challenge = async (answer: Response) => ({ status: answer.status, challenge: answer.headers.get('www-authenticate'), error: (await readJson<{ error: string }>(answer)).error });
      const token = tokens.access_token;
      const ath = athOf(token);
      const dpopHeaders = (proofJwt: string) => ({ authorization: `DPoP ${token}`, dpop: proofJwt });

      // Without a nonce: 401 use_dpop_nonce with a DPoP challenge and a fresh DPoP-Nonce.
      const noNonce = await get(dpopHeaders(await proof(key, { htm: 'GET', htu: userinfo, ath })));
      const nonce = noNonce.headers.get('dpop-nonce') ?? '';
      expect(nonce).not.toBe('');
      expect(await challenge(noNonce)).toEqual({ status: 401, challenge: expect.stringMatching(/^DPoP realm="sigma-iam", algs="ES256 EdDSA RS256 PS256", error="use_dpop_nonce"/), error: 'use_dpop_nonce' });
      const good = { htm: 'GET', htu: userinfo, ath, nonce };

      const once = await proof(key, good);
      const served = await get(dpopHeaders(once));
      expect({ status: served.status, nonce: served.headers.get('dpop-nonce') }).toEqual({ status: 200, nonce: expect.any(String) });
      expect(await served.json()).toMatchObject({ sub });
      const replayed = await challenge(await get(dpopHeaders(once)));
      expect(replayed).toEqual({ status: 401, challenge: expect.stringContaining('error="invalid_dpop_proof"'), error: 'invalid_dpop_proof' });
      expect(replayed.challenge).toMatch(new RegExp(`^DPoP realm="sigma-iam", ${DPOP_CHALLENGE_ALGS}`));
      for (const wrong of [{ ath: athOf('another token') }, { ath: undefined }, { htm: 'POST' }, { htu: `${gateway}/oauth/v1/userinfo` }, { htu: `${gateway}/oauth/token` }]) {
        expect(await challenge(await get(dpopHeaders(await proof(key, { ...good, ...wrong }))))).toEqual({ status: 401, challenge: expect.stringMatching(/^DPoP .*error="invalid_dpop_proof"/), error: 'invalid_dpop_proof' });
      }
      const otherKey = await dpopKey();
      expect(await challenge(await get(dpopHeaders(await proof(otherKey, good))))).toEqual({ status: 401, challenge: expect.stringMatching(/^DPoP .*error="invalid_dpop_proof"/), error: 'invalid_dpop_proof' });
      expect(await challenge(await get({ authorization: `DPoP ${token}` }))).toEqual({ status: 401, challenge: expect.stringMatching(/^DPoP .*error="invalid_dpop_proof"/), error: 'invalid_dpop_proof' });
      // Plain bearer use of the DPoP-bound token is refused, and the challenge says DPoP.
      expect(await challenge(await get({ authorization: `Bearer ${token}` }))).toEqual({ status: 401, challenge: expect.stringMatching(new RegExp(`^DPoP realm="sigma-iam", ${DPOP_CHALLENGE_ALGS}, error="invalid_token"`)), error: 'invalid_token' });

      // Bearer tokens are challenged with Bearer; no credentials at all with both schemes and no error code.
      expect(await challenge(await get({ authorization: 'Bearer not-a-live-token' }))).toEqual({ status: 401, challenge: expect.stringMatching(/^Bearer realm="sigma-iam", error="invalid_token"/), error: 'invalid_token' });
      const anonymous = await get({});
      expect({ status: anonymous.status, challenge: anonymous.headers.get('www-authenticate') }).toEqual({ status: 401, challenge: `Bearer realm="sigma-iam", DPoP realm="sigma-iam", ${DPOP_CHALLENGE_ALGS}` });

      // Called directly (in-cluster), a proof for auth-server's own address is accepted there; the public one too.
      const internal = `${authServer}/oauth/userinfo`;
      const directGet = async (htu: string) => (await fetch(internal, { headers: dpopHeaders(await proof(key, { ...good, htu })) })).status;
      expect(await directGet(internal)).toBe(200);
      expect(await directGet(userinfo)).toBe(200);
      expect(await get(dpopHeaders(await proof(key, { ...good, htu: internal })))).toMatchObject({ status: 401 });
    });
  });
});
