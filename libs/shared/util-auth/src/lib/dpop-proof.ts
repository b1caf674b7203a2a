import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';

/** Asymmetric algorithms a DPoP proof may be signed with (RFC 9449 §4.2: never `none`, never HMAC). */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256'] as const;

export interface DpopProofExpectations {
  /** The HTTP method of the request the proof came with. */
  method: string;
  /** The request's URL as the client addressed it (query and fragment are ignored). */
  url: string;
  /** The access token presented with the proof: its hash must be the proof's `ath`. */
  accessToken: string;
  /** The thumbprint the token is bound to (`cnf.jkt`). */
  jkt: string;
  /** How far `iat` may lie in the past or the future. */
  maxAgeSeconds: number;
  now?: number;
}

export interface VerifiedDpopProof {
  jti: string;
  iat: number;
  jkt: string;
}

/** base64url(SHA-256(access token)): the `ath` a proof carries (RFC 9449 §4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

function invalidProof(message: string): DomainError {
  return new DomainError(ErrorKind.INVALID_TOKEN, message, { oauthError: 'invalid_dpop_proof' });
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
 * Checks a DPoP proof presented with a bound access token at a resource server (RFC 9449 §4.3,
 * §7.1): `typ: dpop+jwt`, an asymmetric algorithm, a public key in the header whose thumbprint is
 * the token's `cnf.jkt`, a valid signature, `htm` and `htu` of this request, a fresh `iat`, a `jti`
 * and `ath` of the token. Replay of the `jti` is the caller's to refuse (it keeps the seen ids).
 */
export async function verifyDpopProof(proof: string, expected: DpopProofExpectations): Promise<VerifiedDpopProof> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw invalidProof('the DPoP proof is not a JWT');
  }
  if (header.typ !== 'dpop+jwt') throw invalidProof('the DPoP proof must have typ dpop+jwt');
  if (!header.jwk || typeof header.jwk !== 'object' || 'd' in header.jwk) throw invalidProof('the DPoP proof must carry its public key');
  let payload: Record<string, unknown>;
  try {
    payload = (await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [...DPOP_ALGORITHMS] })).payload;
  } catch (error) {
    if (error instanceof errors.JOSEAlgNotAllowed) throw invalidProof('the DPoP proof is signed with an algorithm that is not accepted');
    throw invalidProof('the DPoP proof signature does not verify');
  }
  const jkt = await calculateJwkThumbprint(header.jwk, 'sha256');
  if (jkt !== expected.jkt) throw invalidProof('the DPoP proof is signed by another key than the one the token is bound to');
  if (typeof payload['jti'] !== 'string' || payload['jti'].length < 8 || payload['jti'].length > 256) throw invalidProof('the DPoP proof needs a unique jti');
  if (payload['htm'] !== expected.method) throw invalidProof('the DPoP proof was made for another HTTP method');
  const htu = typeof payload['htu'] === 'string' ? withoutQuery(payload['htu']) : undefined;
  if (htu === undefined || htu !== withoutQuery(expected.url)) throw invalidProof('the DPoP proof was made for another URL');
  const iat = payload['iat'];
  const now = Math.floor((expected.now ?? Date.now()) / 1000);
  if (typeof iat !== 'number' || Math.abs(now - iat) > expected.maxAgeSeconds) throw invalidProof('the DPoP proof is too old or from the future');
  if (payload['ath'] !== accessTokenHash(expected.accessToken)) throw invalidProof('the DPoP proof was made for another access token');
  return { jti: payload['jti'], iat, jkt };
}
