/**
 * Benchmark worker for `npm run bench -- gateway` (scripts/bench-gateway.mjs starts it with
 * ts-node): requests per second the gateway's token check answers for one presented token from the
 * verified-token cache (hash, cache, deny-list), against the same check with the cache off and
 * against jose's ES256 verify-only ceiling in the same process. Prints one JSON document.
 * Not part of the service.
 */
import { ACCESS_TOKEN_TYPE, AccessTokenVerifier, API_AUDIENCE, issuerOf } from '@sigma/shared/util-auth';
import type { Request } from 'express';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { DenyList } from './deny-list';
import { MemoryReplayCache } from './replay-cache';
import { TokenEnforcer } from './token-enforcer';
import { VerifiedTokenCache } from './verified-token-cache';

const PUBLIC_URL = 'https://bench.example.test';
const DURATION_MS = Number(process.env['BENCH_DURATION_MS'] ?? 3000);

async function opsPerSecond(operation: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i += 1) await operation();
  let count = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(DURATION_MS) * 1_000_000n;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 100; i += 1) await operation();
    count += 100;
  }
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main(): Promise<void> {
  const tenantId = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ iss: issuerOf(PUBLIC_URL, tenantId), aud: API_AUDIENCE, sub: randomUUID(), jti: randomUUID(), iat: now, exp: now + 3600, tid: tenantId, client_id: 'bench', sid: randomUUID(), permissions: ['*'] })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: ACCESS_TOKEN_TYPE })
    .sign(privateKey);
  const verifier = new AccessTokenVerifier({ publicUrl: PUBLIC_URL, jwksUrl: () => 'http://auth.internal/jwks', fetch: (async () => Response.json({ keys: [jwk] })) as unknown as typeof fetch });
  const denyList = new DenyList(86_400);
  // A deny-list of realistic size: ten thousand revoked sessions.
  for (let i = 0; i < 10_000; i += 1) denyList.add({ kind: 'session', sessionId: randomUUID(), revokedAt: Date.now() });
  const enforcer = (cacheSize: number) => new TokenEnforcer(verifier, new VerifiedTokenCache(cacheSize), denyList, new MemoryReplayCache(), { publicUrl: PUBLIC_URL, dpopMaxAgeSeconds: 60 });
  const req = { method: 'GET', originalUrl: '/api/v1/me', headers: { authorization: `Bearer ${token}` } } as unknown as Request;
  const cached = enforcer(10_000);
  const uncached = enforcer(0);

  const joseVerifyOnly = await opsPerSecond(() => jwtVerify(token, publicKey, { algorithms: ['ES256'] }));
  const cacheHit = await opsPerSecond(() => cached.authenticate(req, TokenEnforcer.presentedBy(req)));
  const fullCheck = await opsPerSecond(() => uncached.authenticate(req, TokenEnforcer.presentedBy(req)));
  process.stdout.write(`${JSON.stringify({ durationMs: DURATION_MS, joseVerifyOnly, cacheHit, fullCheck })}\n`);
}

void main();
