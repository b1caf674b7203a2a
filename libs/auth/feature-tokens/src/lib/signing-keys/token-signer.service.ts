import { Injectable } from '@nestjs/common';
import type { SigningAlgorithm } from '@sigma/shared/util-auth';
import type { JWTPayload } from 'jose';
import { KeyObject, sign } from 'node:crypto';
import { KeyedTenant, SigningKeyService } from './signing-key.service';

/** Encoded protected headers kept per kid and typ (a tenant's headers change only when its key does). */
const MAX_CACHED_HEADERS = 4096;

/**
 * Signs the tenant's JWTs with its active key (SigningKeyService). The compact JWS (RFC 7515 §7.1)
 * is produced here with a synchronous node:crypto signature (ES256 as the 64-byte R||S of RFC 7518
 * §3.4, EdDSA per RFC 8037) rather than through jose's WebCrypto path, which costs twice as much per
 * token on the token endpoint's hot path (ADR 11); every verifier, ours included, still uses jose.
 */
@Injectable()
export class TokenSignerService {
  private readonly headers = new Map<string, string>();

  constructor(private readonly keys: SigningKeyService) {}

  async sign(tenant: KeyedTenant, claims: JWTPayload, typ: string): Promise<string> {
    const key = await this.keys.signingKeyOf(tenant);
    return signCompactJwt(this.headerOf(key.alg, key.kid, typ), claims, key.alg, key.privateKey);
  }

  private headerOf(alg: SigningAlgorithm, kid: string, typ: string): string {
    const cacheKey = `${alg} ${kid} ${typ}`;
    let header = this.headers.get(cacheKey);
    if (header === undefined) {
      header = encodedHeaderOf(alg, kid, typ);
      if (this.headers.size >= MAX_CACHED_HEADERS) this.headers.clear();
      this.headers.set(cacheKey, header);
    }
    return header;
  }
}

/** The base64url protected header `{alg, kid, typ}`. */
export function encodedHeaderOf(alg: SigningAlgorithm, kid: string, typ: string): string {
  return Buffer.from(JSON.stringify({ alg, kid, typ })).toString('base64url');
}

/**
 * A compact JWS of `claims` under an encoded protected header, signed with `key` (a private key of
 * `alg`) on the thread pool (node:crypto's callback form), so the event loop goes on meanwhile.
 */
export function signCompactJwt(encodedHeader: string, claims: JWTPayload, alg: SigningAlgorithm, key: KeyObject): Promise<string> {
  const input = `${encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, signature: Buffer): void => (error ? reject(error) : resolve(`${input}.${signature.toString('base64url')}`));
    if (alg === 'EdDSA') sign(null, Buffer.from(input), key, done);
    else sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, done);
  });
}
