import { constantTimeEqual } from '@sigma/shared/util-crypto';
import { createHash } from 'node:crypto';

/** RFC 7636 §4.1 / §4.2: 43 to 128 unreserved characters (verifiers and S256/plain challenges alike). */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

export type PkceMethod = 'S256' | 'plain';

export function isPkceValue(value: string): boolean {
  return PKCE_VALUE.test(value);
}

/** RFC 7636 §4.6: whether the verifier matches the challenge, compared in constant time. */
export function verifyPkce(verifier: string, challenge: string, method: PkceMethod): boolean {
  if (!isPkceValue(verifier)) return false;
  const derived = method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
  return constantTimeEqual(derived, challenge);
}
