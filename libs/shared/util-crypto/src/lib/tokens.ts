import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random opaque secret (refresh tokens, codes, API keys, client secrets): base64url, ≥ 128 bits. */
export function randomToken(bytes = 32): string {
  if (bytes < 16) throw new Error('opaque secrets carry at least 128 bits');
  return randomBytes(bytes).toString('base64url');
}

/**
 * The stored form of a high-entropy secret: SHA-256, hex. A fast hash is right here because the
 * secret itself is random (≥ 128 bits); passwords use bcrypt instead.
 */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** Compares two strings in time that depends only on their lengths' digests, never on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}

/**
 * Whether `token` is the secret whose stored hash (hashToken's hex) is `storedHash`: one SHA-256 of
 * the token, compared with the stored digest in constant time. Only the stored digest's length,
 * which is public, can end the comparison early.
 */
export function matchesTokenHash(token: string, storedHash: string): boolean {
  const stored = Buffer.from(storedHash, 'hex');
  const presented = hash('sha256', token, 'buffer');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
