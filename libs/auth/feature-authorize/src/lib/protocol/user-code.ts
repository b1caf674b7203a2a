import { randomInt } from 'node:crypto';

/**
 * RFC 8628 §6.1: user codes from 20 consonants (no vowels, so no words; no digits, so no 0/O or
 * 1/I confusion), 8 characters shown as XXXX-XXXX: 20^8 ≈ 2^34.6 codes, enough against guessing
 * for the short lifetime and the attempt limit of the verification page.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;

export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i += 1) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** What a user typed, as stored: upper-cased, separators and spaces dropped, re-grouped; undefined when it cannot be a user code. */
export function normalizeUserCode(input: string): string | undefined {
  const letters = input.toUpperCase().replace(/[\s-]/g, '');
  if (letters.length !== USER_CODE_LENGTH || [...letters].some((c) => !USER_CODE_ALPHABET.includes(c))) return undefined;
  return `${letters.slice(0, 4)}-${letters.slice(4)}`;
}
