import { sha256 } from '@noble/hashes/sha2.js';
import { base64url } from 'jose';

function randomBase64Url(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buffer);
  return base64url.encode(buffer);
}

function checkVerifier(codeVerifier: string): void {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(codeVerifier)) throw new TypeError('a PKCE code verifier is 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]');
}

/** A PKCE code verifier (RFC 7636 §4.1): 32 random bytes, base64url, 43 characters. */
export function generateCodeVerifier(): string {
  return randomBase64Url(32);
}

/** The S256 code challenge of a verifier (RFC 7636 §4.2): base64url(SHA-256(verifier)). */
export async function generateCodeChallenge(codeVerifier: string): Promise<string> {
  checkVerifier(codeVerifier);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier));
  return base64url.encode(new Uint8Array(digest));
}

/** A random value for the state or nonce parameter (128 bits). */
export function generateState(): string {
  return randomBase64Url(16);
}

/**
 * The S256 challenge computed synchronously (Web Crypto's digest is asynchronous), for URLs that
 * must be built synchronously, such as seed 000's `getAuthorizationUrl({ provider })`.
 */
export function codeChallengeOf(codeVerifier: string): string {
  checkVerifier(codeVerifier);
  return base64url.encode(sha256(new TextEncoder().encode(codeVerifier)));
}
