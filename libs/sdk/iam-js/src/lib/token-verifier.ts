import { createRemoteJWKSet, customFetch, decodeJwt, errors, jwtVerify, JWTVerifyGetKey } from 'jose';
import type { FetchLike } from './http-transport';
import { IAMError } from './iam-error';
import type { VerifiedToken } from './types';

/** Key sets kept at once (one per tenant seen); the oldest goes first, so forged tenant ids cannot grow memory. */
const MAX_TENANTS = 64;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenVerifierOptions {
  /** The suite's public URL: issuers are `<public URL>/oauth/tenants/<tenant id>`. */
  issuerBaseUrl: string;
  /** Where the JWKS is fetched from (usually the same URL). */
  baseUrl: string;
  /** When set, tokens of any other tenant are refused. */
  tenantId?: string;
  audience: string;
  /** How long a fetched key set is used before it is fetched again. */
  jwksCacheMaxAgeMs: number;
  timeoutMs: number;
  fetch: FetchLike;
}

/**
 * Local access-token verification: signature against the tenant's JWKS (fetched once, cached, and
 * fetched again when a token names an unknown kid), issuer, audience, typ at+jwt, lifetime. It does
 * not see revocations: a token of a session ended a second ago still verifies until it expires.
 */
export class TokenVerifier {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();

  constructor(private readonly options: TokenVerifierOptions) {}

  async verify(token: string): Promise<VerifiedToken> {
    const tenantId = this.tenantOf(token).toLowerCase();
    try {
      const { payload } = await jwtVerify<VerifiedToken>(token, this.keySetOf(tenantId), {
        issuer: `${this.options.issuerBaseUrl.replace(/\/+$/, '')}/oauth/tenants/${tenantId}`,
        audience: this.options.audience,
        typ: 'at+jwt',
        algorithms: ['ES256', 'EdDSA'],
        requiredClaims: ['sub', 'exp', 'iat', 'tid'],
        clockTolerance: 5,
      });
      if (payload.tid.toLowerCase() !== tenantId) throw new IAMError('INVALID_TOKEN', 'The token names another tenant', 401);
      return payload;
    } catch (error) {
      if (error instanceof IAMError) throw error;
      if (error instanceof errors.JWKSTimeout || (error instanceof errors.JOSEError && error.code === 'ERR_JWKS_INVALID')) {
        throw new IAMError('SERVICE_UNAVAILABLE', 'The key set could not be fetched', 0);
      }
      if (error instanceof errors.JOSEError) throw new IAMError('INVALID_TOKEN', `The token is not valid (${error.code})`, 401);
      throw new IAMError('NETWORK_ERROR', 'The key set could not be fetched', 0);
    }
  }

  private tenantOf(token: string): string {
    let tid: unknown;
    try {
      tid = decodeJwt(token)['tid'];
    } catch {
      throw new IAMError('INVALID_TOKEN', 'The token is not a JWT', 401);
    }
    if (typeof tid !== 'string' || !UUID.test(tid)) throw new IAMError('INVALID_TOKEN', 'The token names no tenant', 401);
    if (this.options.tenantId !== undefined && tid.toLowerCase() !== this.options.tenantId.toLowerCase()) {
      throw new IAMError('INVALID_TOKEN', 'The token belongs to another tenant', 401);
    }
    return tid;
  }

  private keySetOf(tenantId: string): JWTVerifyGetKey {
    let keySet = this.keySets.get(tenantId);
    if (!keySet) {
      const url = new URL('.well-known/jwks.json', this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
      url.searchParams.set('tenant_id', tenantId);
      keySet = createRemoteJWKSet(url, {
        cacheMaxAge: this.options.jwksCacheMaxAgeMs,
        timeoutDuration: this.options.timeoutMs,
        [customFetch]: (input: string, init: RequestInit) => this.options.fetch(input, init),
      });
      if (this.keySets.size >= MAX_TENANTS) this.keySets.delete(this.keySets.keys().next().value ?? '');
      this.keySets.set(tenantId, keySet);
    }
    return keySet;
  }
}
