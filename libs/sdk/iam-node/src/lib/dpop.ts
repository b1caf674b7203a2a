import { base64url, calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors, jwtVerify } from 'jose';

/** Asymmetric algorithms a DPoP proof may be signed with (RFC 9449 §4.2: never `none`, never HMAC). */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256'] as const;

/**
 * Remembers the DPoP proofs already accepted (RFC 9449 §11.1): `use` answers true the first time a
 * key is offered and false ever after, until `expiresAt` (epoch ms) has passed. The default keeps them
 * in this process's memory; an app running several replicas passes a shared one (Redis SET NX PX).
 */
export interface ReplayStore {
  use(key: string, expiresAt: number): boolean | Promise<boolean>;
}

/** The default replay store: this process's memory, bounded (expired entries are swept when it fills). */
export class MemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  use(key: string, expiresAt: number): boolean {
    const now = Date.now();
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    if (this.seen.size >= this.maxEntries) {
      for (const [seenKey, seenUntil] of this.seen) if (seenUntil <= now) this.seen.delete(seenKey);
      // Still full of live entries: forget the oldest rather than grow without bound.
      if (this.seen.size >= this.maxEntries) this.seen.delete(this.seen.keys().next().value ?? '');
    }
    this.seen.set(key, expiresAt);
    return true;
  }
}

/** Why a DPoP proof was refused; the middleware answers 401 with `error="invalid_dpop_proof"`. */
export class InvalidDpopProof extends Error {
  override readonly name = 'InvalidDpopProof';
}

export interface DpopProofExpectations {
  method: string;
  /** The URL the client addressed; query and fragment are ignored (RFC 9449 §4.3). */
  url: string;
  accessToken: string;
  /** The thumbprint the token is bound to (`cnf.jkt`). */
  jkt: string;
  /** How far `iat` may lie in the past or the future, in seconds. */
  maxAgeSeconds: number;
  replayStore: ReplayStore;
  now?: number;
}

/** base64url(SHA-256(access token)): the `ath` a proof carries (RFC 9449 §4.2). */
export async function accessTokenHash(accessToken: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken));
  return base64url.encode(new Uint8Array(digest));
}

function withoutQuery(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}

/**
 * Checks the DPoP proof that came with a bound access token at a resource server (RFC 9449 §4.3,
 * §7.1): one proof, `typ: dpop+jwt`, an asymmetric algorithm, a public key in the header whose
 * thumbprint is the token's `cnf.jkt`, a valid signature, `htm` and `htu` of this request, a fresh
 * `iat`, the `ath` of the token, and a `jti` not seen before (kept for twice the allowed age).
 */
export async function verifyDpopProof(proof: string | undefined, expected: DpopProofExpectations): Promise<void> {
  if (proof === undefined || proof === '') throw new InvalidDpopProof('a DPoP-bound token needs a DPoP proof');
  if (proof.includes(',')) throw new InvalidDpopProof('a request carries exactly one DPoP proof');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw new InvalidDpopProof('the DPoP proof is not a JWT');
  }
  if (header.typ !== 'dpop+jwt') throw new InvalidDpopProof('the DPoP proof must have typ dpop+jwt');
  if (!header.jwk || typeof header.jwk !== 'object' || 'd' in header.jwk) throw new InvalidDpopProof('the DPoP proof must carry its public key');
  let payload: Record<string, unknown>;
  try {
    payload = (await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [...DPOP_ALGORITHMS] })).payload;
  } catch (error) {
    if (error instanceof errors.JOSEAlgNotAllowed) throw new InvalidDpopProof('the DPoP proof is signed with an algorithm that is not accepted');
    throw new InvalidDpopProof('the DPoP proof signature does not verify');
  }
  if ((await calculateJwkThumbprint(header.jwk, 'sha256')) !== expected.jkt) throw new InvalidDpopProof('the DPoP proof is signed by another key than the one the token is bound to');
  const jti = payload['jti'];
  if (typeof jti !== 'string' || jti.length < 8 || jti.length > 256) throw new InvalidDpopProof('the DPoP proof needs a unique jti');
  if (payload['htm'] !== expected.method.toUpperCase()) throw new InvalidDpopProof('the DPoP proof was made for another HTTP method');
  const htu = typeof payload['htu'] === 'string' ? withoutQuery(payload['htu']) : undefined;
  if (htu === undefined || htu !== withoutQuery(expected.url)) throw new InvalidDpopProof('the DPoP proof was made for another URL');
  const now = expected.now ?? Date.now();
  const iat = payload['iat'];
  if (typeof iat !== 'number' || Math.abs(Math.floor(now / 1000) - iat) > expected.maxAgeSeconds) throw new InvalidDpopProof('the DPoP proof is too old or from the future');
  if (payload['ath'] !== (await accessTokenHash(expected.accessToken))) throw new InvalidDpopProof('the DPoP proof was made for another access token');
  // Checked last, so a refused proof does not use up its jti.
  if (!(await expected.replayStore.use(`${expected.jkt}:${jti}`, now + expected.maxAgeSeconds * 2000))) throw new InvalidDpopProof('the DPoP proof has been used before');
}
