import { hashToken, randomToken } from '@sigma/shared/util-crypto';

/** How many recovery codes an enrolment hands out (each usable once). */
export const RECOVERY_CODE_COUNT = 10;

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/**
 * New recovery codes: 26 characters of a 31-letter alphabet without look-alikes (0/o, 1/l/i),
 * about 128 bits each, grouped by five with hyphens for reading aloud: `k7pqr-...-x2`.
 */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const bytes = Buffer.from(randomToken(32), 'base64url');
    let code = '';
    // Rejection sampling keeps every letter equally likely.
    for (const byte of bytes) {
      if (byte >= ALPHABET.length * Math.floor(256 / ALPHABET.length)) continue;
      code += ALPHABET[byte % ALPHABET.length];
      if (code.length === 26) break;
    }
    if (code.length < 26) return generateRecoveryCodes(1)[0];
    return code.match(/.{1,5}/g)?.join('-') ?? code;
  });
}

/** What a user may type: case, spaces and hyphens do not matter. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

/** The stored form of a recovery code (SHA-256: the codes carry about 128 random bits). */
export function hashRecoveryCode(code: string): string {
  return hashToken(normalizeRecoveryCode(code));
}
