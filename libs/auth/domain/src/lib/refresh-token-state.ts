/** What is stored about a presented refresh token and its family. */
export interface RefreshTokenState {
  expiresAt: Date;
  /** Set once the token was exchanged for a successor; presenting it again is reuse. */
  rotatedAt: Date | null;
  familyRevokedAt: Date | null;
}

/**
 * How a presented refresh token is treated. `reused`: it was already rotated, so someone holds a
 * copy: the whole family is revoked (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2). The other refusals
 * change nothing.
 */
export type RefreshTokenVerdict = 'usable' | 'reused' | 'revoked' | 'expired';

export function judgeRefreshToken(state: RefreshTokenState, now: Date): RefreshTokenVerdict {
  if (state.familyRevokedAt !== null) return 'revoked';
  if (state.rotatedAt !== null) return 'reused';
  if (state.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'usable';
}
