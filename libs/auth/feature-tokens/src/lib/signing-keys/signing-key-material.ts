import type { SigningAlgorithm } from '@sigma/shared/util-auth';
import type { SecretBox } from '@sigma/shared/util-crypto';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import { createPrivateKey, KeyObject } from 'node:crypto';

/** A freshly generated key: its public JWK (with kid, alg, use) and its private key sealed for storage. */
export interface GeneratedSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JWK;
  privateKeySealed: string;
  privateKey: KeyObject;
}

/** The SecretBox context of a tenant's private key: a sealed key opens only as that tenant's, that kid. */
export function signingKeyContextOf(tenantId: string, kid: string): string {
  return `signing-key:${tenantId}:${kid}`;
}

/** A new key pair: ES256 on P-256 or EdDSA on Ed25519; kid is the RFC 7638 thumbprint of the public key. */
export async function generateSigningKey(tenantId: string, alg: SigningAlgorithm, box: SecretBox): Promise<GeneratedSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  const pkcs8 = await exportPKCS8(privateKey);
  return {
    kid,
    alg,
    publicJwk: { ...jwk, kid, alg, use: 'sig' },
    privateKeySealed: box.seal(pkcs8, signingKeyContextOf(tenantId, kid)),
    privateKey: KeyObject.from(privateKey),
  };
}

/**
 * Opens a stored private key as a node:crypto KeyObject (what the JWT signer uses); throws when it
 * was sealed under another key or for another tenant or kid, or is not a key of `alg`.
 */
export function openSigningKey(tenantId: string, kid: string, alg: SigningAlgorithm, sealed: string, box: SecretBox): KeyObject {
  let pkcs8: string;
  try {
    pkcs8 = box.open(sealed, signingKeyContextOf(tenantId, kid)).toString('utf8');
  } catch (error) {
    throw new Error(`the private signing key ${kid} of tenant ${tenantId} does not open: is SECRETS_ENCRYPTION_KEY the key it was sealed with?`, { cause: error });
  }
  const key = createPrivateKey({ key: pkcs8, format: 'pem' });
  if (key.asymmetricKeyType !== (alg === 'EdDSA' ? 'ed25519' : 'ec') || (alg === 'ES256' && key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')) {
    throw new Error(`the private signing key ${kid} of tenant ${tenantId} is not an ${alg} key`);
  }
  return key;
}

/** The members of a public JWK that a JWKS publishes (never anything private). */
export function publicMembersOf(jwk: JWK): JWK {
  const { kty, crv, x, y, kid, alg, use } = jwk;
  return Object.fromEntries(Object.entries({ kty, use, crv, kid, x, y, alg }).filter(([, value]) => value !== undefined)) as JWK;
}
