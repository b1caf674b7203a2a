import { Inject, Injectable } from '@nestjs/common';
import { FamilyRevocationReason, RefreshTokenFamily, RefreshTokenRepository } from '@sigma/auth/data-access';
import type { TokenGrant } from '@sigma/auth/domain';
import { OutboxPublisher } from '@sigma/shared/data-access-events';
import { hashToken, randomToken } from '@sigma/shared/util-crypto';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, CLOCK } from '../auth-tokens.options';

export interface SessionStart {
  tenantId: string;
  userId: string;
  clientId: string;
  scope: string;
  amr: string[];
  /** How long each refresh token of the session lives (the tenant's refresh-token lifetime). */
  refreshLifetimeSeconds: number;
  /** Binds the session's refresh tokens to a DPoP key (RFC 9449 §5, public clients). */
  dpopJkt?: string;
  /** When the user authenticated, if before now (a browser sign-in followed by a code exchange). */
  authTime?: Date;
}

export interface StartedSession {
  grant: TokenGrant;
  refreshToken: string;
  /** When the session ends unless refreshed (its refresh token's expiry). */
  expiresAt: Date;
}

/** Whether a session still admits its tokens, and until when. */
export interface SessionStatus {
  active: boolean;
  userId: string;
  clientId: string;
  expiresAt: Date | null;
}

/** session.revoked reasons (contracts-events) of each way a family ends. */
const EVENT_REASON: Readonly<Record<FamilyRevocationReason, 'logout' | 'refresh_token_reuse' | 'user_deleted' | 'admin'>> = {
  logout: 'logout',
  refresh_token_reuse: 'refresh_token_reuse',
  user_deleted: 'user_deleted',
  account_disabled: 'admin',
};

/**
 * Login sessions. The seam: session-service does not exist yet, so a login's session IS its
 * refresh-token family, and the access and ID tokens' `sid` is the family id. When session-service
 * arrives, `start` asks it for a session (and keeps the family under it) and `end` revokes it there;
 * callers do not change. Ending a session publishes `session.revoked` in the same transaction.
 */
@Injectable()
export class LoginSessionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async start(input: SessionStart): Promise<StartedSession> {
    const now = this.clock();
    const authTime = input.authTime ?? now;
    const familyId = randomUUID();
    const refreshToken = randomToken();
    const expiresAt = expiryOf(now, input.refreshLifetimeSeconds);
    await this.dataSource.transaction(async (manager) => {
      const repository = new RefreshTokenRepository(manager);
      await repository.createFamily({ id: familyId, tenantId: input.tenantId, userId: input.userId, clientId: input.clientId, scope: input.scope, authTime, amr: input.amr, dpopJkt: input.dpopJkt }, now);
      await repository.insertToken({ id: randomUUID(), familyId, tokenHash: hashToken(refreshToken), createdAt: now, expiresAt });
    });
    return { refreshToken, expiresAt, grant: { clientId: input.clientId, sessionId: familyId, scope: input.scope, authTime: Math.floor(authTime.getTime() / 1000), amr: input.amr } };
  }

  /** Whether the session a token's `sid` names is still active (introspection and userinfo ask). */
  isActive(sessionId: string): Promise<boolean> {
    return new RefreshTokenRepository(this.dataSource.manager).isFamilyActive(sessionId);
  }

  /** Ends the session inside the caller's transaction; false when it had ended already. */
  async end(manager: EntityManager, family: RefreshTokenFamily, reason: FamilyRevocationReason): Promise<boolean> {
    const now = this.clock();
    const revoked = await new RefreshTokenRepository(manager).revokeFamily(family.id, now, reason);
    if (revoked) {
      await this.publisher.publish(manager, {
        type: 'session.revoked',
        tenantId: family.tenantId,
        subject: family.userId,
        data: { session_id: family.id, user_id: family.userId, reason: EVENT_REASON[reason], revoked_at: now.toISOString() },
      });
    }
    return revoked;
  }

  /** Ends the session in a transaction of its own. */
  endNow(family: RefreshTokenFamily, reason: FamilyRevocationReason): Promise<boolean> {
    return this.dataSource.transaction((manager) => this.end(manager, family, reason));
  }

  /** A session of the tenant by id (the tokens' `sid`); undefined when unknown. */
  async status(tenantId: string, sessionId: string): Promise<SessionStatus | undefined> {
    const found = await new RefreshTokenRepository(this.dataSource.manager).findFamily(tenantId, sessionId);
    if (!found) return undefined;
    const active = found.family.revokedAt === null && found.expiresAt !== null && found.expiresAt > this.clock();
    return { active, userId: found.family.userId, clientId: found.family.clientId, expiresAt: found.expiresAt };
  }

  /** Ends one session of the user by id; false when it is unknown, another user's, or already ended. */
  async endById(tenantId: string, userId: string, sessionId: string, reason: FamilyRevocationReason): Promise<boolean> {
    const found = await new RefreshTokenRepository(this.dataSource.manager).findFamily(tenantId, sessionId);
    if (!found || found.family.userId !== userId) return false;
    return this.endNow(found.family, reason);
  }

  /** Ends every session of the user (each publishes session.revoked); answers how many were active. */
  endAllOf(tenantId: string, userId: string, reason: FamilyRevocationReason): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      let ended = 0;
      for (const family of await new RefreshTokenRepository(manager).activeFamiliesOf(tenantId, userId)) {
        if (await this.end(manager, family, reason)) ended += 1;
      }
      return ended;
    });
  }
}

/** The grant a family's refresh tokens continue (its session, scope and original authentication). */
export function grantOfFamily(family: RefreshTokenFamily): TokenGrant {
  return { clientId: family.clientId, sessionId: family.id, scope: family.scope, authTime: Math.floor(family.authTime.getTime() / 1000), amr: family.amr };
}

export function expiryOf(now: Date, lifetimeSeconds: number): Date {
  return new Date(now.getTime() + lifetimeSeconds * 1000);
}
