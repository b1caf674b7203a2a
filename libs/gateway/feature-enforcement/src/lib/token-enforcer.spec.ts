import { ACCESS_TOKEN_TYPE, accessTokenHash, AccessTokenVerifier, API_AUDIENCE, issuerOf } from '@sigma/shared/util-auth';
import { DomainError } from '@sigma/shared/util-errors';
import type { Request } from 'express';
import { calculateJwkThumbprint, CryptoKey, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { DenyList } from './deny-list';
import { MemoryReplayCache } from './replay-cache';
import { TokenEnforcer, TokenRejected } from './token-enforcer';
import { VerifiedTokenCache } from './verified-token-cache';

const PUBLIC_URL = 'https://iam.example.test';

describe('TokenEnforcer', () => {
  const tenantId = randomUUID();
  const userId = randomUUID();
  let signing: { privateKey: CryptoKey; jwk: JWK };
  let proofKey: { privateKey: CryptoKey; jwk: JWK };
  let jwksFetches: number;
  let denyList: DenyList;
  let enforcer: TokenEnforcer;

  beforeAll(async () => {
    const a = await generateKeyPair('ES256', { extractable: true });
    signing = { privateKey: a.privateKey, jwk: { ...(await exportJWK(a.publicKey)), kid: 'k1', alg: 'ES256' } };
    const b = await generateKeyPair('ES256', { extractable: true });
    proofKey = { privateKey: b.privateKey, jwk: await exportJWK(b.publicKey) };
  });

  beforeEach(() => {
    jwksFetches = 0;
    denyList = new DenyList(3600);
    const verifier = new AccessTokenVerifier({
      publicUrl: PUBLIC_URL,
      jwksUrl: () => 'http://auth.internal/jwks',
      fetch: (async () => {
        jwksFetches += 1;
        return Response.json({ keys: [signing.jwk] });
      }) as unknown as typeof fetch,
    });
    enforcer = new TokenEnforcer(verifier, new VerifiedTokenCache(100), denyList, new MemoryReplayCache(), { publicUrl: PUBLIC_URL, dpopMaxAgeSeconds: 60 });
  });

  const token = (claims: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: issuerOf(PUBLIC_URL, tenantId), aud: API_AUDIENCE, sub: userId, jti: randomUUID(), iat: now, exp: now + 300, tid: tenantId, client_id: 'app', sid: 's1', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: ACCESS_TOKEN_TYPE })
      .sign(signing.privateKey);
  };
  const request = (authorization: string | undefined, headers: Record<string, string> = {}, method = 'GET', originalUrl = '/api/v1/me') =>
    ({ method, originalUrl, headers: { ...(authorization ? { authorization } : {}), ...headers } }) as unknown as Request;
  const run = (req: Request) => enforcer.authenticate(req, TokenEnforcer.presentedBy(req));
  const rejection = async (req: Request): Promise<TokenRejected> => {
    try {
      await run(req);
    } catch (error) {
      if (error instanceof TokenRejected) return error;
      throw error;
    }
    throw new Error('accepted');
  };

  it('verifies once, then answers from the cache', async () => {
    const t = await token();
    expect((await run(request(`Bearer ${t}`))).userId).toBe(userId);
    expect((await run(request(`Bearer ${t}`))).userId).toBe(userId);
    expect(jwksFetches).toBe(1);
  });

  it('challenges a request without a token with no error code', async () => {
    const refused = await rejection(request(undefined));
    expect(refused.reason).toBe('missing_token');
    expect(refused.challenge).toBe('Bearer realm="sigma-iam"');
  });

  it('refuses a cached token once its session or subject is revoked', async () => {
    const t = await token();
    await run(request(`Bearer ${t}`));
    denyList.add({ kind: 'session', sessionId: 's1', revokedAt: Date.now() });
    const refused = await rejection(request(`Bearer ${t}`));
    expect(refused.reason).toBe('session_revoked');
    expect(refused.challenge).toContain('error="invalid_token"');
    const other = await token({ sid: 's2', iat: Math.floor(Date.now() / 1000) - 10 });
    denyList.add({ kind: 'subject', userId, revokedAt: Date.now() });
    expect((await rejection(request(`Bearer ${other}`))).reason).toBe('subject_revoked');
  });

  it('reports expiry and bad signatures as invalid_token', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await rejection(request(`Bearer ${await token({ exp: now - 100, iat: now - 400 })}`))).reason).toBe('expired');
    const t = await token();
    expect((await rejection(request(`Bearer ${t.slice(0, -4)}AAAA`))).reason).toBe('invalid_token');
  });

  describe('DPoP-bound tokens', () => {
    let bound: string;
    beforeEach(async () => {
      bound = await token({ cnf: { jkt: await calculateJwkThumbprint(proofKey.jwk) } });
    });
    const proof = (claims: Record<string, unknown> = {}) =>
      new SignJWT({ htm: 'GET', htu: `${PUBLIC_URL}/api/v1/me`, ath: accessTokenHash(bound), jti: randomUUID(), iat: Math.floor(Date.now() / 1000), ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: proofKey.jwk })
        .sign(proofKey.privateKey);

    it('accepts a proof once for this method, URL (query ignored) and token', async () => {
      const p = await proof();
      const caller = await run(request(`DPoP ${bound}`, { dpop: p }, 'GET', '/api/v1/me?x=1'));
      expect(caller.jkt).toBe(await calculateJwkThumbprint(proofKey.jwk));
      expect((await rejection(request(`DPoP ${bound}`, { dpop: p }))).reason).toBe('dpop_proof_replayed');
    });

    it('refuses Bearer use, no proof, and proofs for another URL, method, token, time or key', async () => {
      expect((await rejection(request(`Bearer ${bound}`))).reason).toBe('dpop_bound_as_bearer');
      expect((await rejection(request(`DPoP ${bound}`))).reason).toBe('dpop_proof_missing');
      const other = await generateKeyPair('ES256', { extractable: true });
      const foreign = await new SignJWT({ htm: 'GET', htu: `${PUBLIC_URL}/api/v1/me`, ath: accessTokenHash(bound), jti: randomUUID(), iat: Math.floor(Date.now() / 1000) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(other.publicKey) })
        .sign(other.privateKey);
      for (const p of [await proof({ htu: `${PUBLIC_URL}/api/v1/users` }), await proof({ htm: 'POST' }), await proof({ ath: accessTokenHash('x') }), await proof({ iat: Math.floor(Date.now() / 1000) - 3600 }), foreign]) {
        const refused = await rejection(request(`DPoP ${bound}`, { dpop: p }));
        expect(refused.reason).toBe('dpop_proof_invalid');
        expect(refused.challenge).toMatch(/^DPoP realm="sigma-iam", algs="ES256 [^"]+", error="invalid_dpop_proof"/);
      }
    });

    it('refuses the DPoP scheme for an unbound token', async () => {
      expect((await rejection(request(`DPoP ${await token()}`, { dpop: await proof() }))).reason).toBe('dpop_unbound_token');
    });
  });

  it('leaves other schemes to the service and refuses a malformed Bearer header', () => {
    expect(TokenEnforcer.presentedBy(request('Basic YTpi'))).toBeUndefined();
    expect(() => TokenEnforcer.presentedBy(request('Bearer two words'))).toThrow(DomainError);
  });
});
