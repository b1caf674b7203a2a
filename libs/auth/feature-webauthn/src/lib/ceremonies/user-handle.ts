import type { IdentityClaims } from '@sigma/shared/contracts-internal';

/**
 * The WebAuthn user handle of a user: the 16 bytes of the user id, base64url. Opaque and free of
 * personal data (WebAuthn §14.6.1), and it lets a discoverable passkey name its user.
 */
export function userHandleOf(userId: string): string {
  return Buffer.from(userId.replace(/-/g, ''), 'hex').toString('base64url');
}

export function userHandleBytesOf(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId.replace(/-/g, ''), 'hex'));
}

/** Whether a username as typed names this user: their username or email, case-insensitively. */
export function namesUser(username: string, claims: Pick<IdentityClaims, 'username' | 'email'>): boolean {
  const typed = username.trim().toLowerCase();
  return typed === claims.username.toLowerCase() || typed === claims.email.toLowerCase();
}

/** What authenticators show under the account name: the full name when known. */
export function displayNameOf(claims: Pick<IdentityClaims, 'username' | 'first_name' | 'last_name'>): string {
  const full = [claims.first_name, claims.last_name].filter((part) => part !== null && part.trim() !== '').join(' ');
  return full === '' ? claims.username : full;
}

/**
 * RFC 8176 methods of a passkey sign-in with user verification: possession of the key plus the
 * user's PIN or biometric, so `mfa`; `hwk` for a device-bound key, `swk` for a synced one.
 */
export function passkeyAmrOf(deviceType: 'singleDevice' | 'multiDevice'): string[] {
  return [deviceType === 'singleDevice' ? 'hwk' : 'swk', 'mfa'];
}
