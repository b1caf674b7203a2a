import { AccessTokenVerifier, Caller, DPOP_ALGORITHMS, verifyDpopProof } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import type { Request } from 'express';
import { DenyList } from './deny-list';
import { ReplayCache } from './replay-cache';
import { VerifiedTokenCache } from './verified-token-cache';

export type AuthScheme = 'Bearer' | 'DPoP';

/** Why a token was refused: the metrics label and the WWW-Authenticate challenge. */
export class TokenRejected extends DomainError {
  constructor(
    readonly reason: string,
    readonly scheme: AuthScheme,
    kind: ErrorKind,
    message: string,
    oauthError?: string,
  ) {
    super(kind, message, { oauthError });
  }

  /** RFC 6750 §3 / RFC 9449 §7.1 challenge; no error code when no credentials came. */
  get challenge(): string {
    const params = [`realm="sigma-iam"`];
    if (this.scheme === 'DPoP') params.push(`algs="${DPOP_ALGORITHMS.join(' ')}"`);
    if (this.reason !== 'missing_token') params.push(`error="${this.oauthError ?? 'invalid_token'}"`, `error_description="${this.message.replace(/"/g, "'")}"`);
    return `${this.scheme} ${params.join(', ')}`;
  }
}

export interface TokenEnforcerOptions {
  /** The public base URL the client addressed; DPoP `htu` is checked against it. */
  publicUrl: string;
  dpopMaxAgeSeconds: number;
}

interface Presented {
  scheme: AuthScheme;
  token: string;
}

const SCHEME = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The gateway's access-token check (ADR 0016): a verified-token cache in front of the tenant's
 * JWKS verification, DPoP proofs for bound tokens (Bearer use of them refused), proof replay, and
 * the deny-list, all without a call to another service once the tenant's keys are cached.
 */
export class TokenEnforcer {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly cache: VerifiedTokenCache,
    private readonly denyList: DenyList,
    private readonly replay: ReplayCache,
    private readonly options: TokenEnforcerOptions,
  ) {}

  /** The credentials a request presents with the Bearer or DPoP scheme; undefined when none (or another scheme). */
  static presentedBy(req: Request): Presented | undefined {
    const header = req.headers.authorization;
    if (header === undefined) return undefined;
    const match = SCHEME.exec(header);
    if (!match) {
      if (/^(Bearer|DPoP)\b/i.test(header)) throw new TokenRejected('malformed_header', 'Bearer', ErrorKind.AUTHENTICATION_REQUIRED, 'the Authorization header must be `Bearer <token>` or `DPoP <token>`', 'invalid_request');
      return undefined;
    }
    return { scheme: match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: match[2] };
  }

  /** The verified caller of a request that must carry a token. */
  async authenticate(req: Request, presented: Presented | undefined): Promise<Caller> {
    if (!presented) throw new TokenRejected('missing_token', 'Bearer', ErrorKind.AUTHENTICATION_REQUIRED, 'this endpoint needs an access token');
    const caller = await this.verified(presented);
    if (caller.jkt !== undefined) {
      if (presented.scheme !== 'DPoP') throw new TokenRejected('dpop_bound_as_bearer', 'DPoP', ErrorKind.INVALID_TOKEN, 'a DPoP-bound token must be presented with the DPoP scheme and a proof', 'invalid_token');
      await this.checkProof(req, presented.token, caller.jkt);
    } else if (presented.scheme === 'DPoP') {
      throw new TokenRejected('dpop_unbound_token', 'DPoP', ErrorKind.INVALID_TOKEN, 'the access token is not DPoP-bound; present it with the Bearer scheme', 'invalid_token');
    }
    const revoked = this.denyList.reasonToRefuse({ sessionId: caller.sessionId, userId: caller.userId, issuedAt: Math.floor((caller.issuedAt?.getTime() ?? 0) / 1000) });
    if (revoked) throw new TokenRejected(revoked, presented.scheme, ErrorKind.INVALID_TOKEN, 'the access token has been revoked', 'invalid_token');
    return caller;
  }

  private async verified(presented: Presented): Promise<Caller> {
    const key = VerifiedTokenCache.keyOf(presented.token);
    const cached = this.cache.get(key);
    if (cached) return cached;
    let caller: Caller;
    try {
      caller = await this.verifier.verify(presented.token);
    } catch (error) {
      if (error instanceof DomainError && (error.kind === ErrorKind.INVALID_TOKEN || error.kind === ErrorKind.TOKEN_EXPIRED)) {
        throw new TokenRejected(error.kind === ErrorKind.TOKEN_EXPIRED ? 'expired' : 'invalid_token', presented.scheme, error.kind, error.message, 'invalid_token');
      }
      throw error;
    }
    this.cache.set(key, caller);
    return caller;
  }

  private async checkProof(req: Request, token: string, jkt: string): Promise<void> {
    const proofs = req.headers['dpop'];
    if (typeof proofs !== 'string' || proofs.length === 0) throw new TokenRejected('dpop_proof_missing', 'DPoP', ErrorKind.INVALID_TOKEN, 'a DPoP-bound token needs exactly one DPoP proof header', 'invalid_dpop_proof');
    const url = new URL(req.originalUrl, this.options.publicUrl).toString();
    let jti: string;
    try {
      ({ jti } = await verifyDpopProof(proofs, { method: req.method, url, accessToken: token, jkt, maxAgeSeconds: this.options.dpopMaxAgeSeconds }));
    } catch (error) {
      const message = error instanceof Error ? error.message : 'the DPoP proof is invalid';
      throw new TokenRejected('dpop_proof_invalid', 'DPoP', ErrorKind.INVALID_TOKEN, message, 'invalid_dpop_proof');
    }
    if (!(await this.replay.firstUse(`${jkt}:${jti}`, this.options.dpopMaxAgeSeconds * 2))) {
      throw new TokenRejected('dpop_proof_replayed', 'DPoP', ErrorKind.INVALID_TOKEN, 'the DPoP proof has been used before', 'invalid_dpop_proof');
    }
  }
}
