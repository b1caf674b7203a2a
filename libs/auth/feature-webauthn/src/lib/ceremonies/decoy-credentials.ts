import { createHmac, hkdfSync } from 'node:crypto';

/** Derives the decoy key from the secrets key, for this one purpose. */
export function decoyKeyOf(secretsKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secretsKey, Buffer.alloc(0), 'sigma-iam webauthn decoy credential ids', 32));
}

/**
 * The credential id answered for a username that has no passkeys (or does not exist): stable for
 * the username on every replica and across restarts, 32 bytes like a typical passkey's id, and
 * unrelated to any real credential, so assertion options do not tell who has an account.
 */
export function decoyCredentialIdOf(key: Buffer, tenantId: string, username: string): string {
  return createHmac('sha256', key).update(`${tenantId}\n${username.trim().toLowerCase()}`).digest('base64url');
}
