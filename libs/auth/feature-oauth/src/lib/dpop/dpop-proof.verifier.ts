import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '@sigma/auth/feature-tokens';
import { calculateJwkThumbprint, decodeProtectedHeader, errors, importJWK, JWK, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import { AUTH_OAUTH_OPTIONS, AuthOAuthOptions } from '../oauth-options';
import { DpopNonceRequired, OAuthErrors } from '../oauth-errors';
import { DpopNonces } from './dpop-nonces';
import { ReplayGuard } from './replay-guard.service';

/** Proof algorithms accepted (asymmetric only: never `none`, never HMAC). */
export const DPOP_ALGORITHMS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;

/** A proof's `iat` may be this far in the past or future (clock skew plus transit). */
export const DPOP_IAT_WINDOW_SECONDS = 60;

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** What a proof must match. */
export interface DpopExpectation {
  /** The request method (htm). */
  method: string;
  /** The URLs the request may have been addressed at, without query and fragment (htu; see dpopUrlsOf). */
  urls: readonly string[];
  /** The access token the proof accompanies (ath), at resource endpoints. */
  accessToken?: string;
  /** A server nonce is required (the client's or the server's policy). */
  nonceRequired: boolean;
}

/** A verified proof: the thumbprint of its key (what tokens are bound to). */
export interface VerifiedDpopProof {
  jkt: string;
}

function htuOf(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    url.hash = '';
    url.search = '';
    return url.href;
  } catch {
    return undefined;
  }
}

/**
 * DPoP proof verification (RFC 9449 §4.3): one proof, `typ: dpop+jwt`, an allowed asymmetric
 * algorithm, a public `jwk` header that verifies the signature, `htm` and `htu` (compared without
 * query and fragment) of this request, `iat` within the window, a `jti` never seen before (stored
 * in PostgreSQL until the proof would be too old anyway), `ath` at resource endpoints, and a
 * server nonce when required (`use_dpop_nonce` with a fresh one otherwise).
 */
@Injectable()
export class DpopProofVerifier {
  private readonly nonces: DpopNonces;

  constructor(
    private readonly replay: ReplayGuard,
    @Inject(AUTH_OAUTH_OPTIONS) options: AuthOAuthOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.nonces = new DpopNonces(options.nonceSecret);
  }

  /** The nonce to hand out now (the DPoP-Nonce response header). */
  currentNonce(): string {
    return this.nonces.current(this.clock());
  }

  /** The DPoP header of a request: undefined when absent; two headers are invalid. */
  static proofOf(header: string | string[] | undefined): string | undefined {
    if (header === undefined) return undefined;
    if (Array.isArray(header) || header.includes(',')) throw OAuthErrors.invalidDpopProof('exactly one DPoP proof is allowed');
    return header;
  }

  async verify(proof: string, expected: DpopExpectation): Promise<VerifiedDpopProof> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(proof);
    } catch {
      throw OAuthErrors.invalidDpopProof('the DPoP proof is not a JWT');
    }
    if (header.typ !== 'dpop+jwt') throw OAuthErrors.invalidDpopProof('the DPoP proof must have typ dpop+jwt');
    if (typeof header.alg !== 'string' || !(DPOP_ALGORITHMS as readonly string[]).includes(header.alg)) {
      throw OAuthErrors.invalidDpopProof(`the DPoP proof algorithm must be one of ${DPOP_ALGORITHMS.join(', ')}`);
    }
    const jwk = header.jwk as JWK | undefined;
    if (typeof jwk !== 'object' || jwk === null || !['EC', 'RSA', 'OKP'].includes(String(jwk.kty))) throw OAuthErrors.invalidDpopProof('the DPoP proof must carry a public jwk');
    if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) throw OAuthErrors.invalidDpopProof('the DPoP proof jwk must not contain private key material');

    let payload: Record<string, unknown>;
    try {
      const key = await importJWK(jwk, header.alg);
      payload = (await jwtVerify(proof, key, { typ: 'dpop+jwt', algorithms: [...DPOP_ALGORITHMS] })).payload;
    } catch (error) {
      throw OAuthErrors.invalidDpopProof(error instanceof errors.JOSEError && error.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'the DPoP proof signature does not verify' : 'the DPoP proof is invalid');
    }

    const { jti, htm, htu, iat, ath, nonce } = payload;
    if (typeof jti !== 'string' || jti.length < 8 || jti.length > 256) throw OAuthErrors.invalidDpopProof('the DPoP proof needs a jti');
    if (htm !== expected.method) throw OAuthErrors.invalidDpopProof('the DPoP proof htm does not match the request method');
    const signedUrl = typeof htu === 'string' ? htuOf(htu) : undefined;
    if (signedUrl === undefined || !expected.urls.some((url) => htuOf(url) === signedUrl)) throw OAuthErrors.invalidDpopProof('the DPoP proof htu does not match the request URL');
    const now = this.clock();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (typeof iat !== 'number' || Math.abs(nowSeconds - iat) > DPOP_IAT_WINDOW_SECONDS) throw OAuthErrors.invalidDpopProof('the DPoP proof iat is outside the accepted window');
    if (expected.accessToken !== undefined) {
      const hash = createHash('sha256').update(expected.accessToken).digest('base64url');
      if (ath !== hash) throw OAuthErrors.invalidDpopProof('the DPoP proof ath does not match the access token');
    }
    if (expected.nonceRequired && (typeof nonce !== 'string' || !this.nonces.isValid(nonce, now))) {
      throw new DpopNonceRequired(this.nonces.current(now), 'the authorization server requires a DPoP nonce');
    }

    const jkt = await calculateJwkThumbprint(jwk, 'sha256');
    const acceptableUntil = new Date((Math.max(iat, nowSeconds) + DPOP_IAT_WINDOW_SECONDS + 1) * 1000);
    if (!(await this.replay.firstUse(`dpop:${jkt}`, jti, acceptableUntil))) throw OAuthErrors.invalidDpopProof('the DPoP proof was used before');
    return { jkt };
  }
}
