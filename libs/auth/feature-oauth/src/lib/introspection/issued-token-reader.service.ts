import { Inject, Injectable } from '@nestjs/common';
import { RefreshTokenRepository, RevokedAccessTokenRepository, StoredRefreshToken } from '@sigma/auth/data-access';
import { judgeRefreshToken } from '@sigma/auth/domain';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, CLOCK, Clock, LoginSessionService, longestJwtLifetimeOf, SigningKeyService, TenantLookupService } from '@sigma/auth/feature-tokens';
import { AccessTokenVerifier, Caller, isUuid } from '@sigma/shared/util-auth';
import { hashToken } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { DataSource } from 'typeorm';

/** An access token this server issued that is still good: signature, expiry, not revoked, its session active. */
export interface LiveAccessToken {
  kind: 'access_token';
  caller: Caller;
}

/** A refresh token that could still be exchanged. */
export interface LiveRefreshToken {
  kind: 'refresh_token';
  stored: StoredRefreshToken;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Reads tokens this server issued, for introspection, revocation and userinfo. Access tokens are
 * verified as every service verifies them (AccessTokenVerifier: tenant issuer, typ at+jwt, ES256 or
 * EdDSA, audience, expiry) against the tenant's keys read locally, then checked against the jti
 * deny-list and the session (LoginSessionService: is the `sid` still active). Refresh tokens are
 * looked up by their hash.
 */
@Injectable()
export class IssuedTokenReader {
  private readonly verifier: AccessTokenVerifier;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: SigningKeyService,
    private readonly tenants: TenantLookupService,
    private readonly sessions: LoginSessionService,
    @Inject(AUTH_TOKENS_OPTIONS) options: AuthTokensOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.verifier = new AccessTokenVerifier({
      publicUrl: options.publicUrl,
      jwksUrl: (tenantId) => `local:${tenantId}`,
      keySetTtlMs: 30000,
      refetchCooldownMs: 1000,
      fetch: (input) => this.localKeySet(String(input)),
    });
  }

  /** The access token's caller when it is live; undefined when it is not (expired, revoked, forged, its session ended). */
  async liveAccessToken(token: string): Promise<LiveAccessToken | undefined> {
    if (!JWT_SHAPE.test(token)) return undefined;
    let caller: Caller;
    try {
      caller = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof DomainError && (error.kind === ErrorKind.UNAVAILABLE || error.kind === ErrorKind.TIMEOUT)) throw error;
      return undefined;
    }
    if (await new RevokedAccessTokenRepository(this.dataSource.manager).isRevoked(caller.tokenId)) return undefined;
    if (caller.sessionId !== undefined && !(await this.sessions.isActive(caller.sessionId, caller.tenantId))) return undefined;
    return { kind: 'access_token', caller };
  }

  /** The refresh token when it could still be exchanged. */
  async liveRefreshToken(token: string): Promise<LiveRefreshToken | undefined> {
    if (token.length > 512) return undefined;
    const stored = await new RefreshTokenRepository(this.dataSource.manager).findByHash(hashToken(token), { lock: false });
    if (!stored) return undefined;
    const verdict = judgeRefreshToken({ expiresAt: stored.expiresAt, rotatedAt: stored.rotatedAt, familyRevokedAt: stored.family.revokedAt }, this.clock());
    return verdict === 'usable' ? { kind: 'refresh_token', stored } : undefined;
  }

  /** A refresh token in any state (revocation ends its family even when it was exchanged already). */
  anyRefreshToken(token: string): Promise<StoredRefreshToken | undefined> {
    if (token.length > 512) return Promise.resolve(undefined);
    return new RefreshTokenRepository(this.dataSource.manager).findByHash(hashToken(token), { lock: false });
  }

  /** Adds a live access token's jti to the deny-list until it expires. */
  async denyAccessToken(caller: Caller): Promise<void> {
    await new RevokedAccessTokenRepository(this.dataSource.manager).revoke(caller.tokenId, caller.tenantId, caller.expiresAt);
  }

  private async localKeySet(url: string): Promise<Response> {
    const tenantId = url.slice('local:'.length);
    if (!isUuid(tenantId)) return new Response('{}', { status: 404 });
    try {
      const tenant = await this.tenants.resolve(tenantId);
      const keys = await this.keys.publishedKeysOf({ id: tenant.id, longestJwtLifetimeSeconds: longestJwtLifetimeOf(tenant) });
      return new Response(JSON.stringify({ keys }), { status: 200, headers: { 'content-type': 'application/json' } });
    } catch (error) {
      if (error instanceof DomainError && error.kind === ErrorKind.NOT_FOUND) return new Response('{}', { status: 404 });
      return new Response('{}', { status: 503 });
    }
  }
}
