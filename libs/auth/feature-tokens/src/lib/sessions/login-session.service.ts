import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CallContext, FamilyRevocationReason, RefreshTokenFamily, RefreshTokenRepository } from '@sigma/auth/data-access';
import type { TokenGrant } from '@sigma/auth/domain';
import type { CreateSessionRequest, InternalRevocationReason } from '@sigma/shared/contracts-internal';
import { hashToken, randomToken } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { isIP } from 'node:net';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, Clock, CLOCK } from '../auth-tokens.options';

/** What a login declared about its device (seed 002 `deviceInfo`); the User-Agent fills the gaps. */
export interface SessionDevice {
  deviceType?: string;
  deviceName?: string;
  browser?: string;
  os?: string;
}

export interface SessionStart {
  tenantId: string;
  userId: string;
  clientId: string;
  scope: string;
  amr: string[];
  /** How long each refresh token of the session lives (the tenant's refresh-token lifetime); never past the session's end. */
  refreshLifetimeSeconds: number;
  /** The login request: its id, client IP and User-Agent go onto the session. */
  context?: CallContext;
  device?: SessionDevice;
  /** The session gets the remember-me lifetime of its policy. */
  rememberMe?: boolean;
  /** Shown in the admin session list (seed 002 userEmail, applicationName). */
  userEmail?: string;
  clientName?: string;
  /** The application's registered session settings (seed 002 sessionTimeout, maxSessions). */
  applicationPolicy?: { idleTimeoutSeconds?: number; maxSessions?: number };
  /** Binds the session's refresh tokens to a DPoP key (RFC 9449 §5, public clients). */
  dpopJkt?: string;
  /** When the user authenticated, if before now (a browser sign-in followed by a code exchange). */
  authTime?: Date;
}

export interface StartedSession {
  grant: TokenGrant;
  refreshToken: string;
  /** When the session ends unless refreshed: its first refresh token's expiry, never past the session's absolute end. */
  expiresAt: Date;
}

/** Whether a session still admits its tokens, and until when. */
export interface SessionStatus {
  active: boolean;
  userId: string;
  clientId: string;
  expiresAt: Date | null;
}

/** The internal API's revocation reason of each way a family ends (session_ended needs none: the session ended first). */
const SESSION_REASON: Readonly<Record<Exclude<FamilyRevocationReason, 'session_ended'>, InternalRevocationReason>> = {
  logout: 'logout',
  refresh_token_reuse: 'refresh_token_reuse',
  user_deleted: 'user_deleted',
  account_disabled: 'admin',
};

const RETRY_INTERVAL_MS = 15_000;
const RETRY_BATCH = 100;
const MAX_USER_AGENT = 1024;

function isNotFound(error: unknown): boolean {
  return error instanceof DomainError && error.kind === ErrorKind.NOT_FOUND;
}

/**
 * Login sessions: the seam every login of auth-server goes through. A session lives in
 * session-service (created here at each login; its id is the tokens' `sid`), and its refresh
 * tokens form a family here under the same id. Refresh touches the session and is refused once it
 * ended (revoked, expired, idle); ending the family revokes the session there, and session-service
 * publishes `session.revoked`. session-service down: no login (503, no token minted) and no refresh
 * (503, the refresh token stays usable); a revocation it misses is owed and retried until it has it,
 * while the family itself is revoked at once.
 */
@Injectable()
export class LoginSessionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly options: AuthTokensOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.settleOwedRevocations(), RETRY_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async start(input: SessionStart): Promise<StartedSession> {
    const context = input.context ?? {};
    const created = await this.options.sessions.create(createRequestOf(input), { requestId: context.requestId });
    const now = this.clock();
    const authTime = input.authTime ?? now;
    const sessionEnd = new Date(created.expires_at);
    const refreshExpiry = new Date(Math.min(expiryOf(now, input.refreshLifetimeSeconds).getTime(), sessionEnd.getTime()));
    const refreshToken = randomToken();
    await this.dataSource.transaction(async (manager) => {
      const repository = new RefreshTokenRepository(manager);
      await repository.createFamily({ id: created.id, tenantId: input.tenantId, userId: input.userId, clientId: input.clientId, scope: input.scope, authTime, amr: input.amr, dpopJkt: input.dpopJkt }, now);
      await repository.insertToken({ id: randomUUID(), familyId: created.id, tokenHash: hashToken(refreshToken), createdAt: now, expiresAt: refreshExpiry });
    });
    return {
      refreshToken,
      expiresAt: refreshExpiry,
      grant: { clientId: input.clientId, sessionId: created.id, scope: input.scope, authTime: Math.floor(authTime.getTime() / 1000), amr: input.amr },
    };
  }

  /**
   * A refresh continues the session: session-service records the activity. False when the session
   * ended there (revoked, expired, idle, or gone with its user); the family is then ended too.
   */
  async resume(family: RefreshTokenFamily, context: CallContext = {}): Promise<boolean> {
    try {
      const status = await this.options.sessions.touch(family.tenantId, family.id, { requestId: context.requestId });
      if (status.active) return true;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await this.endNow(family, 'session_ended');
    return false;
  }

  /** Whether the session a token's `sid` names is still active at session-service (introspection and userinfo ask); unknown is not. */
  async isActive(sessionId: string, tenantId: string, context: CallContext = {}): Promise<boolean> {
    try {
      return (await this.options.sessions.status(tenantId, sessionId, { requestId: context.requestId })).active;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Ends the session inside the caller's transaction; false when it had ended already. The family
   * is revoked here and the session at session-service; if that cannot be reached, the revocation
   * is owed and retried every 15 s.
   */
  async end(manager: EntityManager, family: RefreshTokenFamily, reason: FamilyRevocationReason): Promise<boolean> {
    const repository = new RefreshTokenRepository(manager);
    if (!(await repository.revokeFamily(family.id, this.clock(), reason))) return false;
    if (reason === 'session_ended') return true;
    try {
      await this.options.sessions.revoke(family.tenantId, family.id, SESSION_REASON[reason]);
    } catch (error) {
      if (isNotFound(error)) return true;
      await repository.markSessionRevocationPending(family.id);
      this.logger.warn({ session_id: family.id, tenant_id: family.tenantId, reason }, 'session-service unreachable: session revocation owed, retrying');
    }
    return true;
  }

  /** Ends the session in a transaction of its own. */
  endNow(family: RefreshTokenFamily, reason: FamilyRevocationReason): Promise<boolean> {
    return this.dataSource.transaction((manager) => this.end(manager, family, reason));
  }

  /**
   * Whether a browser sign-in (the login pages' cookie) was signed out at session-service: a
   * session it started revoked on purpose, or the user revoked as a subject since `signedInAt`.
   */
  async signInRevoked(tenantId: string, userId: string, signedInAt: Date, sessionIds: readonly string[], context: CallContext = {}): Promise<boolean> {
    const answer = await this.options.sessions.signInRevocation(
      { tenant_id: tenantId, user_id: userId, since: signedInAt.toISOString(), session_ids: [...sessionIds] },
      { requestId: context.requestId },
    );
    return answer.revoked;
  }

  /** A session of the tenant by id (the tokens' `sid`), as session-service sees it; undefined when unknown. */
  async status(tenantId: string, sessionId: string, context: CallContext = {}): Promise<SessionStatus | undefined> {
    try {
      const status = await this.options.sessions.status(tenantId, sessionId, { requestId: context.requestId });
      return { active: status.active, userId: status.user_id, clientId: status.client_id, expiresAt: new Date(status.expires_at) };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Ends one session of the user by id; false when it is unknown, another user's, or already ended. */
  async endById(tenantId: string, userId: string, sessionId: string, reason: FamilyRevocationReason): Promise<boolean> {
    const found = await new RefreshTokenRepository(this.dataSource.manager).findFamily(tenantId, sessionId);
    if (!found || found.family.userId !== userId) return false;
    return this.endNow(found.family, reason);
  }

  /** Ends every session of the user (session-service publishes session.revoked for each); answers how many were active. */
  endAllOf(tenantId: string, userId: string, reason: FamilyRevocationReason): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      let ended = 0;
      for (const family of await new RefreshTokenRepository(manager).activeFamiliesOf(tenantId, userId)) {
        if (await this.end(manager, family, reason)) ended += 1;
      }
      return ended;
    });
  }

  /** Sends session-service the revocations it missed; stops at the first that still fails. Answers how many it settled. */
  async settleOwedRevocations(): Promise<number> {
    const repository = new RefreshTokenRepository(this.dataSource.manager);
    let settled = 0;
    try {
      for (const owed of await repository.pendingSessionRevocations(RETRY_BATCH)) {
        const reason = owed.reason === 'session_ended' ? undefined : SESSION_REASON[owed.reason];
        if (reason !== undefined) {
          await this.options.sessions.revoke(owed.tenantId, owed.familyId, reason).catch((error: unknown) => {
            if (!isNotFound(error)) throw error;
          });
        }
        await repository.settleSessionRevocation(owed.familyId);
        settled += 1;
      }
    } catch (error) {
      this.logger.warn({ error: error instanceof Error ? error.message : String(error), settled }, 'owed session revocations not delivered yet; retrying');
    }
    return settled;
  }
}

/** The create request of a login; values the internal API would refuse (an unparsable IP, an overlong User-Agent) are left out or cut. */
function createRequestOf(input: SessionStart): CreateSessionRequest {
  const context = input.context ?? {};
  const ip = context.clientIp?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const device = input.device && {
    device_type: input.device.deviceType?.slice(0, 64),
    device_name: input.device.deviceName?.slice(0, 128),
    browser: input.device.browser?.slice(0, 64),
    os: input.device.os?.slice(0, 64),
  };
  const policy = input.applicationPolicy && { idle_timeout_seconds: input.applicationPolicy.idleTimeoutSeconds, max_sessions: input.applicationPolicy.maxSessions };
  return {
    tenant_id: input.tenantId,
    user_id: input.userId,
    client_id: input.clientId,
    client_name: input.clientName?.slice(0, 200),
    user_email: input.userEmail && input.userEmail.length <= 320 ? input.userEmail : undefined,
    ip_address: ip !== undefined && isIP(ip) !== 0 ? ip : undefined,
    user_agent: context.userAgent?.slice(0, MAX_USER_AGENT),
    device,
    remember_me: input.rememberMe ?? false,
    amr: input.amr,
    application_policy: policy,
  };
}

/** The grant a family's refresh tokens continue (its session, scope and original authentication). */
export function grantOfFamily(family: RefreshTokenFamily): TokenGrant {
  return { clientId: family.clientId, sessionId: family.id, scope: family.scope, authTime: Math.floor(family.authTime.getTime() / 1000), amr: family.amr };
}

export function expiryOf(now: Date, lifetimeSeconds: number): Date {
  return new Date(now.getTime() + lifetimeSeconds * 1000);
}
