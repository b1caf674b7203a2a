import { DomainError } from '@sigma/shared/util-errors';
import { calculateJwkThumbprint, CryptoKey, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { DpopNonceRequired } from '../oauth-errors';
import { DpopProofVerifier } from './dpop-proof.verifier';
import { ReplayGuard } from './replay-guard.service';

const URL = 'https://iam.example.test/oauth/token';

/** In-memory stand-in for the PostgreSQL replay store (unit test only). */
class MemoryReplayGuard {
  readonly seen = new Set<string>();
  async firstUse(namespace: string, jti: string): Promise<boolean> {
    const key = `${namespace} ${jti}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}

describe('DpopProofVerifier', () => {
  let now = new Date('2026-11-30T10:00:00Z');
  let key: { privateKey: CryptoKey; jwk: JWK };
  const verifier = new DpopProofVerifier(new MemoryReplayGuard() as unknown as ReplayGuard, { publicUrl: 'https://iam.example.test', nonceSecret: Buffer.alloc(32, 1), requireDpopNonce: false }, () => now);

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    key = { privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey) };
  });
  beforeEach(() => (now = new Date('2026-11-30T10:00:00Z')));

  const proof = (claims: Record<string, unknown> = {}) =>
    new SignJWT({ jti: randomUUID(), htm: 'POST', htu: URL, iat: Math.floor(now.getTime() / 1000), ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
      .sign(key.privateKey);
  const refusal = async (work: Promise<unknown>): Promise<string | undefined> => {
    try {
      await work;
    } catch (error) {
      return error instanceof DomainError ? error.oauthError : String(error);
    }
    return undefined;
  };

  it('answers the thumbprint of the proof key, ignoring query and fragment of htu', async () => {
    const result = await verifier.verify(await proof({ htu: `${URL}?x=1#f` }), { method: 'POST', urls: [URL], nonceRequired: false });
    expect(result.jkt).toBe(await calculateJwkThumbprint(key.jwk));
  });

  it('accepts an htu naming any of the URLs the request may have reached, and no other', async () => {
    const direct = 'http://auth-server:3001/oauth/token';
    await expect(verifier.verify(await proof({ htu: direct }), { method: 'POST', urls: [URL, direct], nonceRequired: false })).resolves.toBeDefined();
    await expect(verifier.verify(await proof(), { method: 'POST', urls: [URL, direct], nonceRequired: false })).resolves.toBeDefined();
    expect(await refusal(verifier.verify(await proof({ htu: direct }), { method: 'POST', urls: [URL], nonceRequired: false }))).toBe('invalid_dpop_proof');
    expect(await refusal(verifier.verify(await proof({ htu: 'http://auth-server:3001/oauth/userinfo' }), { method: 'POST', urls: [URL, direct], nonceRequired: false }))).toBe('invalid_dpop_proof');
  });

  it('checks ath against the access token at resource endpoints', async () => {
    const ath = createHash('sha256').update('the-token').digest('base64url');
    await expect(verifier.verify(await proof({ ath }), { method: 'POST', urls: [URL], accessToken: 'the-token', nonceRequired: false })).resolves.toBeDefined();
    expect(await refusal(verifier.verify(await proof({ ath }), { method: 'POST', urls: [URL], accessToken: 'another-token', nonceRequired: false }))).toBe('invalid_dpop_proof');
  });

  it('asks for a nonce with use_dpop_nonce, then accepts the one it handed out', async () => {
    let nonce = '';
    try {
      await verifier.verify(await proof(), { method: 'POST', urls: [URL], nonceRequired: true });
    } catch (error) {
      expect(error).toBeInstanceOf(DpopNonceRequired);
      nonce = (error as DpopNonceRequired).nonce;
    }
    expect(nonce).not.toBe('');
    await expect(verifier.verify(await proof({ nonce }), { method: 'POST', urls: [URL], nonceRequired: true })).resolves.toBeDefined();
    expect(await refusal(verifier.verify(await proof({ nonce: 'made-up' }), { method: 'POST', urls: [URL], nonceRequired: true }))).toBe('use_dpop_nonce');
    now = new Date(now.getTime() + 11 * 60000);
    expect(await refusal(verifier.verify(await proof({ nonce }), { method: 'POST', urls: [URL], nonceRequired: true }))).toBe('use_dpop_nonce');
  });

  it('refuses a replayed jti, a wrong typ, a future iat and a missing jwk', async () => {
    const once = await proof();
    await verifier.verify(once, { method: 'POST', urls: [URL], nonceRequired: false });
    expect(await refusal(verifier.verify(once, { method: 'POST', urls: [URL], nonceRequired: false }))).toBe('invalid_dpop_proof');
    const wrongTyp = await new SignJWT({ jti: randomUUID(), htm: 'POST', htu: URL, iat: Math.floor(now.getTime() / 1000) }).setProtectedHeader({ alg: 'ES256', typ: 'JWT', jwk: key.jwk }).sign(key.privateKey);
    expect(await refusal(verifier.verify(wrongTyp, { method: 'POST', urls: [URL], nonceRequired: false }))).toBe('invalid_dpop_proof');
    expect(await refusal(verifier.verify(await proof({ iat: Math.floor(now.getTime() / 1000) + 120 }), { method: 'POST', urls: [URL], nonceRequired: false }))).toBe('invalid_dpop_proof');
    const noJwk = await new SignJWT({ jti: randomUUID(), htm: 'POST', htu: URL, iat: Math.floor(now.getTime() / 1000) }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt' }).sign(key.privateKey);
    expect(await refusal(verifier.verify(noJwk, { method: 'POST', urls: [URL], nonceRequired: false }))).toBe('invalid_dpop_proof');
    expect(await refusal(verifier.verify('not.a.jwt', { method: 'POST', urls: [URL], nonceRequired: false }))).toBe('invalid_dpop_proof');
  });

  it('refuses two DPoP headers', () => {
    expect(() => DpopProofVerifier.proofOf(['a', 'b'])).toThrow('exactly one');
    expect(() => DpopProofVerifier.proofOf('a.b.c, d.e.f')).toThrow('exactly one');
    expect(DpopProofVerifier.proofOf(undefined)).toBeUndefined();
  });
});
