import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, EmbeddedJWK, exportJWK, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import { DPoPSigner, htuOf } from './dpop';
import type { FetchLike } from './http-transport';
import { HttpTransport } from './http-transport';
import { IAMError } from './iam-error';

const transport = (fetch: FetchLike) =>
  new HttpTransport({ baseUrl: 'https://iam.example', timeoutMs: 1000, retries: 2, retryDelayMs: 1, maxRetryDelayMs: 5, fetch, sleep: async () => undefined, random: () => 0.5 });
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const proofOf = (init: RequestInit) => (init.headers as Record<string, string>)['dpop'];

describe('DPoP proofs (RFC 9449)', () => {
  let signer: DPoPSigner;

  beforeAll(async () => {
    signer = await DPoPSigner.generate();
  });

  it('signs ES256 dpop+jwt proofs with the public key only, htm, htu without query and fragment, iat and a fresh jti', async () => {
    const proof = await signer.proof({ htm: 'post', htu: 'https://iam.example/oauth/token?x=1#frag' });
    const header = decodeProtectedHeader(proof);
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) } });
    expect(Object.keys(header.jwk ?? {}).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    const { payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
    expect(payload).toMatchObject({ htm: 'POST', htu: 'https://iam.example/oauth/token', jti: expect.any(String), iat: expect.any(Number) });
    expect(Math.abs((payload.iat ?? 0) - Date.now() / 1000)).toBeLessThan(5);
    expect(payload).not.toHaveProperty('ath');
    expect(payload).not.toHaveProperty('nonce');
    const again = decodeJwt(await signer.proof({ htm: 'POST', htu: 'https://iam.example/oauth/token' }));
    expect(again.jti).not.toBe(payload.jti);
  });

  it('hashes the access token into ath and names the key by its RFC 7638 thumbprint', async () => {
    const proof = await signer.proof({ htm: 'GET', htu: 'https://iam.example/oauth/userinfo', accessToken: 'token-value' });
    expect(decodeJwt(proof).ath).toBe(createHash('sha256').update('token-value').digest('base64url'));
    const jwk = decodeProtectedHeader(proof).jwk ?? {};
    await expect(signer.thumbprint()).resolves.toBe(await calculateJwkThumbprint(jwk, 'sha256'));
  });

  it('keeps the private key non-extractable', async () => {
    await expect(exportJWK(signer.keyPair.privateKey)).rejects.toThrow();
    expect(signer.keyPair.privateKey.extractable).toBe(false);
  });

  it("puts an origin's latest nonce into proofs for that origin only", async () => {
    const own = await DPoPSigner.generate();
    expect(own.rememberNonce('https://iam.example/oauth/token', 'n-1')).toBe(true);
    expect(own.rememberNonce('https://iam.example/api/v1/me', 'n-1')).toBe(false);
    expect(decodeJwt(await own.proof({ htm: 'GET', htu: 'https://iam.example/api/v1/me' })).nonce).toBe('n-1');
    expect(decodeJwt(await own.proof({ htm: 'GET', htu: 'https://other.example/x' }))).not.toHaveProperty('nonce');
    expect(htuOf('https://IAM.example:443/a/b?c#d')).toBe('https://iam.example/a/b');
  });
});

describe('the transport with DPoP', () => {
  it('retries a POST once with the nonce a use_dpop_nonce refusal carried', async () => {
    const signer = await DPoPSigner.generate();
    const proofs: string[] = [];
    const http = transport(async (_url, init) => {
      proofs.push(proofOf(init));
      const nonce = decodeJwt(proofOf(init)).nonce;
      if (nonce !== 'server-nonce') return json(400, { error: 'use_dpop_nonce', error_description: 'nonce required' }, { 'dpop-nonce': 'server-nonce' });
      return json(200, { access_token: 'a', token_type: 'DPoP' }, { 'dpop-nonce': 'next-nonce' });
    });
    await expect(http.send({ method: 'POST', path: '/oauth/token', form: { grant_type: 'x' }, dpop: { signer } })).resolves.toMatchObject({ token_type: 'DPoP' });
    expect(proofs).toHaveLength(2);
    expect(decodeJwt(proofs[1]).jti).not.toBe(decodeJwt(proofs[0]).jti);
    expect(signer.nonceFor('https://iam.example/anything')).toBe('next-nonce');
  });

  it('sends the token with the DPoP scheme, retries a resource server nonce challenge once, and gives up when the nonce does not change', async () => {
    const signer = await DPoPSigner.generate();
    const seen: Array<{ authorization: string; proof: string }> = [];
    const http = transport(async (_url, init) => {
      const headers = init.headers as Record<string, string>;
      seen.push({ authorization: headers['authorization'], proof: headers['dpop'] });
      return new Response('', { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce", error_description="nonce"', 'dpop-nonce': 'always-the-same' } });
    });
    const error = await http.send({ method: 'GET', path: '/api/v1/me', dpop: { signer, accessToken: 'tok' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IAMError);
    expect(error).toMatchObject({ code: 'use_dpop_nonce', status: 401 });
    expect(seen).toHaveLength(2);
    expect(seen.every((call) => call.authorization === 'DPoP tok')).toBe(true);
    expect(decodeJwt(seen[1].proof)).toMatchObject({ nonce: 'always-the-same', htm: 'GET', htu: 'https://iam.example/api/v1/me' });
  });
});
