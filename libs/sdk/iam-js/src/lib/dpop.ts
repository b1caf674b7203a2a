import { base64url, calculateJwkThumbprint, type CryptoKey, exportJWK, JWK, SignJWT } from 'jose';

/** The key pair a client proves possession of (RFC 9449). */
export interface DPoPKeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/** What one proof is made for (RFC 9449 §4.2). */
export interface DPoPProofParams {
  /** The HTTP method of the request. */
  htm: string;
  /** The request URL; query and fragment are left out of the proof. */
  htu: string;
  /** The access token the request carries (a resource call): its hash becomes `ath`. */
  accessToken?: string;
  /** The server's latest DPoP-Nonce. */
  nonce?: string;
}

/**
 * A new ES256 key pair for DPoP. The private key is not extractable: in a browser no script can
 * read it, only sign with it (an XSS can use it while the page is open, not take it away).
 */
export async function generateDPoPKeyPair(): Promise<DPoPKeyPair> {
  const pair = await globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/** The URL a proof names: scheme, host, port and path, without query and fragment (RFC 9449 §4.2). */
export function htuOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

async function sha256Base64Url(value: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return base64url.encode(new Uint8Array(digest));
}

function randomJti(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return base64url.encode(bytes);
}

/**
 * Signs DPoP proofs with one key pair and remembers the servers' nonces (per origin, RFC 9449 §8:
 * the latest DPoP-Nonce an origin answered goes into the next proof for it).
 */
export class DPoPSigner {
  private publicJwk: Promise<JWK> | undefined;
  private readonly nonces = new Map<string, string>();

  constructor(readonly keyPair: DPoPKeyPair) {}

  /** A signer with a fresh non-extractable key pair. */
  static async generate(): Promise<DPoPSigner> {
    return new DPoPSigner(await generateDPoPKeyPair());
  }

  /** The JWK SHA-256 thumbprint of the public key (RFC 7638): the `cnf.jkt` of the tokens bound to it. */
  async thumbprint(): Promise<string> {
    return calculateJwkThumbprint(await this.jwk(), 'sha256');
  }

  /** A proof (typ dpop+jwt, ES256, the public JWK) for one request; every proof has its own jti. */
  async proof(params: DPoPProofParams): Promise<string> {
    const nonce = params.nonce ?? this.nonceFor(params.htu);
    const claims: Record<string, string> = { htm: params.htm.toUpperCase(), htu: htuOf(params.htu), jti: randomJti() };
    if (params.accessToken !== undefined) claims['ath'] = await sha256Base64Url(params.accessToken);
    if (nonce !== undefined) claims['nonce'] = nonce;
    return new SignJWT(claims)
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: await this.jwk() })
      .setIssuedAt()
      .sign(this.keyPair.privateKey);
  }

  /** The nonce the URL's origin asked for last, if any. */
  nonceFor(url: string): string | undefined {
    return this.nonces.get(new URL(url).origin);
  }

  /** Keeps the DPoP-Nonce an answer carried; answers whether it is new (a refused proof is then worth one more try). */
  rememberNonce(url: string, nonce: string | null): boolean {
    if (nonce === null || nonce === '') return false;
    const origin = new URL(url).origin;
    if (this.nonces.get(origin) === nonce) return false;
    this.nonces.set(origin, nonce);
    return true;
  }

  private jwk(): Promise<JWK> {
    this.publicJwk ??= exportJWK(this.keyPair.publicKey).then(({ kty, crv, x, y }) => ({ kty, crv, x, y }));
    return this.publicJwk;
  }
}
