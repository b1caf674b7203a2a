import { base64url, decodeJwt, UnsecuredJWT } from 'jose';
import { createHash } from 'node:crypto';
import { MemoryAuthorizationStore } from './authorization-transactions';
import type { FetchLike } from './http-transport';
import { IdentityClient } from './identity-client';

const BASE = 'https://identity.example';
const CALLBACK = 'https://app.example/callback';

interface Seen {
  url: URL;
  headers: Record<string, string>;
  form: URLSearchParams;
}

function scripted(): { fetch: FetchLike; seen: Seen[]; boundToken: string } {
  const seen: Seen[] = [];
  const boundToken = new UnsecuredJWT({ sub: 'u-1', cnf: { jkt: 'thumb' } }).encode();
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    seen.push({ url, headers: (init.headers ?? {}) as Record<string, string>, form: new URLSearchParams(typeof init.body === 'string' ? init.body : '') });
    if (url.pathname === '/oauth/token') return json(200, { access_token: boundToken, refresh_token: 'r-1', token_type: 'DPoP', expires_in: 3600, scope: 'openid profile email' });
    if (url.pathname === '/oauth/userinfo') return json(200, { sub: 'u-1', email: 'ada@example.com' });
    return json(404, { error: 'not_found' });
  };
  return { fetch, seen, boundToken };
}

describe("IdentityClient (seed 001's snippet)", () => {
  it('builds /oauth/authorize with S256 PKCE and tenant_id, and redeems the code with the remembered verifier and a DPoP proof', async () => {
    const suite = scripted();
    const client = new IdentityClient({ baseUrl: BASE, clientId: 'client-1', tenantId: 'tenant-1', fetch: suite.fetch, authorizationStore: new MemoryAuthorizationStore() });
    const authUrl = new URL(await client.getAuthorizationUrl({ redirectUri: CALLBACK, scope: 'openid profile email', state: 'random-state' }));
    expect(authUrl.origin + authUrl.pathname).toBe(`${BASE}/oauth/authorize`);
    expect(Object.fromEntries(authUrl.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: CALLBACK,
      scope: 'openid profile email',
      state: 'random-state',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: 'S256',
      tenant_id: 'tenant-1',
    });

    const tokens = await client.exchangeCodeForTokens({ code: 'the-code', state: 'random-state', redirectUri: CALLBACK });
    expect(tokens).toMatchObject({ accessToken: suite.boundToken, refreshToken: 'r-1', tokenType: 'DPoP', expiresIn: 3600 });
    const exchange = suite.seen[0];
    expect(Object.fromEntries(exchange.form)).toMatchObject({ grant_type: 'authorization_code', code: 'the-code', redirect_uri: CALLBACK, client_id: 'client-1' });
    expect(base64url.encode(createHash('sha256').update(exchange.form.get('code_verifier') ?? '').digest())).toBe(authUrl.searchParams.get('code_challenge'));
    expect(decodeJwt(exchange.headers['dpop'])).toMatchObject({ htm: 'POST', htu: `${BASE}/oauth/token` });
    // The verifier was used up with the state.
    await expect(client.exchangeCodeForTokens({ code: 'again', state: 'random-state', redirectUri: CALLBACK })).rejects.toThrow(TypeError);

    await expect(client.getUserInfo(tokens.accessToken)).resolves.toMatchObject({ sub: 'u-1' });
    const userinfo = suite.seen.at(-1);
    expect(userinfo?.headers['authorization']).toBe(`DPoP ${suite.boundToken}`);
    expect(decodeJwt(userinfo?.headers['dpop'] ?? '')).toMatchObject({ htm: 'GET', htu: `${BASE}/oauth/userinfo`, ath: createHash('sha256').update(suite.boundToken).digest('base64url') });
  });

  it('without DPoP: no proofs, Bearer user info; a secret authenticates with HTTP Basic', async () => {
    const suite = scripted();
    const client = new IdentityClient({ baseUrl: BASE, clientId: 'client 1', clientSecret: 's:e', dpop: false, fetch: suite.fetch });
    await client.refreshTokens('r-0');
    expect(suite.seen[0].headers['dpop']).toBeUndefined();
    expect(suite.seen[0].headers['authorization']).toBe(`Basic ${Buffer.from('client+1:s%3Ae').toString('base64')}`);
    await client.getUserInfo('opaque-bearer');
    expect(suite.seen[1].headers['authorization']).toBe('Bearer opaque-bearer');
    await expect(client.getUserInfo(suite.boundToken)).rejects.toMatchObject({ code: 'DPOP_KEY_REQUIRED' });
    await expect(client.getDPoPThumbprint()).resolves.toBeNull();
  });
});
