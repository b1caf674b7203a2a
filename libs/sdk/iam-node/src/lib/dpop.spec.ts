import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { accessTokenHash, MemoryReplayStore, verifyDpopProof } from './dpop';

const URL_ = 'https://api.example/orders';
const TOKEN = 'the.access.token';

async function holder(alg: 'ES256' | 'EdDSA' = 'ES256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  return {
    jkt: await calculateJwkThumbprint(jwk, 'sha256'),
    proof: (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
      new SignJWT({ htm: 'GET', htu: URL_, jti: randomUUID(), iat: Math.floor(Date.now() / 1000), ath: createHash('sha256').update(TOKEN).digest('base64url'), ...claims })
        .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk, ...header })
        .sign(privateKey),
    privateJwk,
  };
}

describe('verifyDpopProof', () => {
  const expect_ = (jkt: string, replayStore = new MemoryReplayStore()) => ({ method: 'GET', url: `${URL_}?page=2`, accessToken: TOKEN, jkt, maxAgeSeconds: 60, replayStore });

  it('accepts a fresh proof of the bound key for this method, URL (query ignored) and token, once', async () => {
    const key = await holder();
    const proof = await key.proof();
    const store = new MemoryReplayStore();
    await expect(verifyDpopProof(proof, expect_(key.jkt, store))).resolves.toBeUndefined();
    await expect(verifyDpopProof(proof, expect_(key.jkt, store))).rejects.toThrow('used before');
    const eddsa = await holder('EdDSA');
    await expect(verifyDpopProof(await eddsa.proof(), expect_(eddsa.jkt))).resolves.toBeUndefined();
  });

  it.each([
    ['no proof', undefined, 'needs a DPoP proof'],
    ['two proofs', 'a.b.c, d.e.f', 'exactly one'],
    ['not a JWT', 'garbage', 'not a JWT'],
  ])('refuses %s', async (_name, proof, message) => {
    await expect(verifyDpopProof(proof, expect_('jkt'))).rejects.toThrow(message);
  });

  it('refuses proofs made for another method, URL, token or time, or without a usable jti', async () => {
    const key = await holder();
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ htm: 'POST' }, 'another HTTP method'],
      [{ htu: 'https://api.example/other' }, 'another URL'],
      [{ htu: 'https://evil.example/orders' }, 'another URL'],
      [{ htu: 'not a url' }, 'another URL'],
      [{ ath: 'x' }, 'another access token'],
      [{ ath: undefined }, 'another access token'],
      [{ iat: now - 120 }, 'too old'],
      [{ iat: now + 120 }, 'from the future'],
      [{ jti: 'short' }, 'unique jti'],
    ];
    for (const [claims, message] of cases) await expect(verifyDpopProof(await key.proof(claims), expect_(key.jkt))).rejects.toThrow(message);
  });

  it("refuses another key than the token's, a wrong typ, a private key in the header, and a bad signature", async () => {
    const key = await holder();
    const other = await holder();
    await expect(verifyDpopProof(await other.proof(), expect_(key.jkt))).rejects.toThrow('another key');
    await expect(verifyDpopProof(await key.proof({}, { typ: 'JWT' }), expect_(key.jkt))).rejects.toThrow('typ dpop+jwt');
    await expect(verifyDpopProof(await key.proof({}, { jwk: key.privateJwk }), expect_(key.jkt))).rejects.toThrow('public key');
    const proof = await key.proof();
    const forged = `${proof.slice(0, -4)}${proof.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    await expect(verifyDpopProof(forged, expect_(key.jkt))).rejects.toThrow('signature');
  });

  it('does not use up the jti of a refused proof', async () => {
    const key = await holder();
    const store = new MemoryReplayStore();
    const jti = randomUUID();
    await expect(verifyDpopProof(await key.proof({ jti, htm: 'POST' }), expect_(key.jkt, store))).rejects.toThrow('method');
    await expect(verifyDpopProof(await key.proof({ jti }), expect_(key.jkt, store))).resolves.toBeUndefined();
  });

  it('hashes the access token as ath (base64url SHA-256)', async () => {
    expect(await accessTokenHash(TOKEN)).toBe(createHash('sha256').update(TOKEN).digest('base64url'));
  });
});

describe('MemoryReplayStore', () => {
  it('answers true once per key until it expires, and stays within its bound', () => {
    const store = new MemoryReplayStore(2);
    const later = Date.now() + 60_000;
    expect(store.use('a', later)).toBe(true);
    expect(store.use('a', later)).toBe(false);
    expect(store.use('expired', Date.now() - 1)).toBe(true);
    expect(store.use('expired', later)).toBe(true);
    expect(store.use('b', later)).toBe(true);
    // Full of live entries: the oldest is forgotten rather than the store growing.
    expect(store.use('c', later)).toBe(true);
    expect(store.use('c', later)).toBe(false);
  });
});
