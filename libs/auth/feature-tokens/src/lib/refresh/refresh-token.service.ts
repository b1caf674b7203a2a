import { Inject, Injectable } from '@nestjs/common';
import { CallContext, RefreshTokenFamily, RefreshTokenRepository, StoredRefreshToken } from '@sigma/auth/data-access';
import { AuthErrors, FIRST_PARTY_CLIENT_ID, judgeRefreshToken, resolveDirectLoginClient } from '@sigma/auth/domain';
import type { IdentityClaims, TenantResponse } from '@sigma/shared/contracts-internal';
import { hashToken, randomToken } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, Clock, CLOCK } from '../auth-tokens.options';
import { TokenIssuerService } from '../issuing/token-issuer.service';
import type { TokenResponse } from '../issuing/token.response.dto';
import { expiryOf, grantOfFamily, LoginSessionService } from '../sessions/login-session.service';
import { TenantLookupService } from '../tenants/tenant-lookup.service';

/** What a refresh answers besides the tokens: who they are for (for the request log). */
export interface RefreshResult {
  tokens: TokenResponse;
  tenantId: string;
  userId: string;
  clientId: string;
}

/** A rotated refresh token: the successor, the family it continues, and what the new tokens are made of. */
export interface RotatedRefreshToken {
  refreshToken: string;
  family: RefreshTokenFamily;
  tenant: TenantResponse;
  claims: IdentityClaims;
}

type Rotation = { outcome: 'rotated'; refreshToken: string } | { outcome: 'refused' | 'reused' };

/**
 * Refresh-token rotation (OAuth 2.1 §4.3.1): each refresh token is exchanged once, for new access
 * and ID tokens and a successor refresh token. Presenting an already exchanged token again means a
 * copy exists: the whole family (the login session) is revoked and every token of it refused.
 * Claims are read again from the directory, so role and permission changes apply at the next
 * refresh; a deleted user's or disabled account's session ends.
 */
@Injectable()
export class RefreshTokenService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: LoginSessionService,
    private readonly tenants: TenantLookupService,
    private readonly issuer: TokenIssuerService,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly options: AuthTokensOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The direct login APIs' refresh: only the first-party client's sessions. */
  async refresh(refreshToken: string, requestedClientId: string | undefined, context: CallContext = {}): Promise<RefreshResult> {
    const requestedClient = requestedClientId === undefined ? FIRST_PARTY_CLIENT_ID : resolveDirectLoginClient(requestedClientId);
    const rotated = await this.rotateRefreshToken(
      refreshToken,
      (family) => {
        if (requestedClient !== family.clientId) throw AuthErrors.refreshTokenOfAnotherClient();
      },
      { context },
    );
    const { family } = rotated;
    const tokens = await this.issuer.issue(rotated.tenant, rotated.claims, grantOfFamily(family), rotated.refreshToken);
    return { tokens, tenantId: family.tenantId, userId: family.userId, clientId: family.clientId };
  }

  /**
   * Exchanges a refresh token for its successor, for any client (the OAuth token endpoint issues
   * the tokens itself). `accept` sees the token's family before anything changes and throws to
   * refuse it (another client's token, a missing DPoP key) without revoking anything. Reuse of an
   * exchanged token revokes the family. `refreshLifetimeSeconds` overrides the tenant's lifetime.
   */
  async rotateRefreshToken(
    refreshToken: string,
    accept: (family: RefreshTokenFamily) => void,
    options: { context?: CallContext; refreshLifetimeSeconds?: number | null } = {},
  ): Promise<RotatedRefreshToken> {
    const context = options.context ?? {};
    const tokenHash = hashToken(refreshToken);
    const stored = await new RefreshTokenRepository(this.dataSource.manager).findByHash(tokenHash, { lock: false });
    if (!stored) throw AuthErrors.invalidRefreshToken();
    accept(stored.family);
    await this.refuseUnusable(stored);
    const family = stored.family;
    // The session must still be active at session-service (not revoked, expired or idle); this records the activity.
    if (!(await this.sessions.resume(family, context))) throw AuthErrors.invalidRefreshToken();

    // Everything that can fail for a reason outside this token (the directory, the signing key)
    // happens before the rotation: a client that gets an error keeps a usable refresh token.
    const claims = await this.currentClaimsOf(stored, context);
    const tenant = await this.tenants.resolve(family.tenantId, context);
    await this.issuer.prepare(tenant);

    const rotation = await this.rotate(tokenHash, options.refreshLifetimeSeconds ?? tenant.token_lifetimes.refresh_token);
    if (rotation.outcome !== 'rotated') throw AuthErrors.invalidRefreshToken();
    return { refreshToken: rotation.refreshToken, family, tenant, claims };
  }

  /** Ends the session of the refresh token (any token of the family, even an exchanged one). */
  async logout(refreshToken: string): Promise<{ tenantId: string; userId: string }> {
    const stored = await new RefreshTokenRepository(this.dataSource.manager).findByHash(hashToken(refreshToken), { lock: false });
    if (!stored) throw AuthErrors.invalidRefreshToken();
    await this.sessions.endNow(stored.family, 'logout');
    return { tenantId: stored.family.tenantId, userId: stored.family.userId };
  }

  private async refuseUnusable(stored: StoredRefreshToken): Promise<void> {
    const verdict = judgeRefreshToken({ expiresAt: stored.expiresAt, rotatedAt: stored.rotatedAt, familyRevokedAt: stored.family.revokedAt }, this.clock());
    if (verdict === 'usable') return;
    if (verdict === 'reused') await this.sessions.endNow(stored.family, 'refresh_token_reuse');
    throw AuthErrors.invalidRefreshToken();
  }

  private async currentClaimsOf(stored: StoredRefreshToken, context: CallContext): Promise<IdentityClaims> {
    const family = stored.family;
    let claims: IdentityClaims;
    try {
      claims = (await this.options.directory.userClaims(family.userId, family.tenantId, context)).user;
    } catch (error) {
      if (error instanceof DomainError && error.kind === ErrorKind.NOT_FOUND) {
        await this.sessions.endNow(family, 'user_deleted');
        throw AuthErrors.invalidRefreshToken();
      }
      throw error;
    }
    if (!claims.is_active) {
      await this.sessions.endNow(family, 'account_disabled');
      throw AuthErrors.accountDisabled();
    }
    return claims;
  }

  /**
   * Exchanges the token under a row lock: of two concurrent presentations, the second sees the
   * first's rotation and is treated as reuse.
   */
  private rotate(tokenHash: string, refreshLifetimeSeconds: number): Promise<Rotation> {
    return this.dataSource.transaction(async (manager): Promise<Rotation> => {
      const repository = new RefreshTokenRepository(manager);
      const now = this.clock();
      const locked = await repository.findByHash(tokenHash, { lock: true });
      if (!locked) return { outcome: 'refused' };
      const verdict = judgeRefreshToken({ expiresAt: locked.expiresAt, rotatedAt: locked.rotatedAt, familyRevokedAt: locked.family.revokedAt }, now);
      if (verdict === 'reused') {
        await this.sessions.end(manager, locked.family, 'refresh_token_reuse');
        return { outcome: 'reused' };
      }
      if (verdict !== 'usable' || !(await repository.markRotated(locked.id, now))) return { outcome: 'refused' };
      const successor = randomToken();
      await repository.insertToken({ id: randomUUID(), familyId: locked.family.id, tokenHash: hashToken(successor), createdAt: now, expiresAt: expiryOf(now, refreshLifetimeSeconds) });
      return { outcome: 'rotated', refreshToken: successor };
    });
  }
}
