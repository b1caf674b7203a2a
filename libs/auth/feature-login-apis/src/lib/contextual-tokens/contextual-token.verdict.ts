/** Why a contextual token is not accepted (seed 001's validate answer). */
export type ContextualTokenReason = 'malformed' | 'bad_signature' | 'expired' | 'wrong_audience' | 'revoked' | 'already_used';

/** What the validation knows about a presented token, in the order it finds it out. */
export interface ContextualTokenFacts {
  /** The token's signature verified with one of its tenant's published keys. */
  signatureValid: boolean;
  /** Seconds since the epoch (`exp`). */
  expiresAt: number;
  audiences: readonly string[];
  /** The stored state by jti; undefined when the token was never issued here (or purged after expiry). */
  record?: { revoked: boolean; used: boolean; singleUse: boolean };
}

/**
 * The first reason a token fails, or undefined when it is acceptable. The signature comes first,
 * so nothing about a forged token's claims is reported; expiry before audience, since an expired
 * token is useless anywhere; revocation before use.
 */
export function contextualTokenReasonOf(facts: ContextualTokenFacts, audience: string, nowSeconds: number): ContextualTokenReason | undefined {
  if (!facts.signatureValid) return 'bad_signature';
  if (facts.expiresAt <= nowSeconds) return 'expired';
  if (!facts.audiences.includes(audience)) return 'wrong_audience';
  if (!facts.record || facts.record.revoked) return 'revoked';
  if (facts.record.singleUse && facts.record.used) return 'already_used';
  return undefined;
}
