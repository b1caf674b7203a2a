import { Inject, Injectable } from '@nestjs/common';
import { RevocationLogRepository, SessionRecord, SessionRepository, TenantPolicyRepository } from '@sigma/session/data-access';
import {
  DeclaredDevice,
  deviceInfoOf,
  resolveSessionPolicy,
  SessionErrors,
  SessionPolicyOverride,
  SessionRevocationReason,
  sessionStateOf,
  sessionsToEvict,
  sessionTimesOf,
  timeoutReasonOf,
} from '@sigma/session/domain';
import { OutboxPublisher } from '@sigma/shared/data-access-events';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, SESSION_CLOCK, SESSION_OPTIONS, SessionOptions } from './session.options';

/** A login asking for its session (the internal API's create request, parsed). */
export interface NewSession {
  tenantId: string;
  userId: string;
  clientId: string;
  clientName?: string;
  userEmail?: string;
  ipAddress?: string;
  userAgent?: string;
  device?: DeclaredDevice;
  country?: string;
  city?: string;
  rememberMe: boolean;
  amr: string[];
  /** The application's registration (seed 002 settings); it overrides the tenant's policy. */
  applicationPolicy?: SessionPolicyOverride;
}

/** A session with what became of it when it was last looked at. */
export interface SessionOutcome {
  session: SessionRecord;
  /** Sessions this one pushed out (max sessions). */
  evicted: SessionRecord[];
}

/**
 * The life of a session: created at a login (applying the tenant's and the application's policy,
 * evicting the oldest beyond max sessions), touched at each refresh, revoked for any reason.
 * Every revocation, whatever its cause, is logged for the gateway's deny-list rebuild and publishes
 * `session.revoked` through the outbox in the same transaction. One user's logins and revocations
 * run one at a time (an advisory lock), so two concurrent logins cannot both keep a slot.
 */
@Injectable()
export class SessionLifecycleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    @Inject(SESSION_OPTIONS) private readonly options: SessionOptions,
    @Inject(SESSION_CLOCK) private readonly clock: Clock,
  ) {}

  create(input: NewSession): Promise<SessionOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock();
      const sessions = new SessionRepository(manager);
      await sessions.lockUser(input.tenantId, input.userId);
      const tenantPolicy = resolveSessionPolicy(this.options.defaults, await new TenantPolicyRepository(manager).find(input.tenantId));
      const policy = resolveSessionPolicy(tenantPolicy, input.applicationPolicy);
      const times = sessionTimesOf(policy, now, input.rememberMe);
      const device = deviceInfoOf(input.userAgent, input.device);
      const session: SessionRecord = {
        id: randomUUID(),
        tenantId: input.tenantId,
        userId: input.userId,
        clientId: input.clientId,
        clientName: input.clientName ?? null,
        userEmail: input.userEmail ?? null,
        deviceType: device.deviceType,
        deviceName: device.deviceName,
        browser: device.browser,
        os: device.os,
        userAgent: device.userAgent,
        ipAddress: input.ipAddress ?? null,
        country: input.country ?? null,
        city: input.city ?? null,
        amr: input.amr,
        rememberMe: input.rememberMe,
        createdAt: now,
        lastActivityAt: now,
        expiresAt: times.expiresAt,
        idleTimeoutSeconds: times.idleTimeoutSeconds,
        revokedAt: null,
        revokedReason: null,
      };
      await sessions.insert(session);
      await this.publisher.publish(manager, {
        type: 'session.created',
        tenantId: session.tenantId,
        subject: session.userId,
        data: { session_id: session.id, user_id: session.userId, client_id: session.clientId },
      });

      // The application's limit counts the user's sessions in it; the tenant's, all of them.
      const evicted: SessionRecord[] = [];
      if (input.applicationPolicy?.maxSessions !== undefined) {
        const inApplication = await sessions.usableOfUser(session.tenantId, session.userId, now, session.clientId);
        evicted.push(...(await this.revokeAll(manager, sessionsToEvict(inApplication, session.id, input.applicationPolicy.maxSessions), 'max_sessions', now)));
      }
      const all = await sessions.usableOfUser(session.tenantId, session.userId, now);
      evicted.push(...(await this.revokeAll(manager, sessionsToEvict(all, session.id, tenantPolicy.maxSessions), 'max_sessions', now)));
      return { session, evicted };
    });
  }

  /**
   * Records activity (a refresh). A session past its idle timeout or absolute end is revoked now
   * (reason `idle_timeout` / `expired`) and answered as it ended; a revoked one is answered as is.
   */
  touch(tenantId: string, sessionId: string): Promise<SessionRecord> {
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock();
      const sessions = new SessionRepository(manager);
      const session = await sessions.find(tenantId, sessionId, { lock: true });
      if (!session) throw SessionErrors.notFound();
      const state = sessionStateOf(session, now);
      if (state === 'active') {
        await sessions.touch(session.id, now);
        return { ...session, lastActivityAt: now };
      }
      const reason = timeoutReasonOf(state);
      if (reason === undefined) return session;
      const [ended] = await this.revokeAll(manager, [session], reason, now);
      return ended ?? session;
    });
  }

  /** Revokes one session of the tenant; a session that ended already is answered unchanged. */
  revoke(tenantId: string, sessionId: string, reason: SessionRevocationReason): Promise<SessionRecord> {
    return this.dataSource.transaction(async (manager) => {
      const session = await new SessionRepository(manager).find(tenantId, sessionId, { lock: true });
      if (!session) throw SessionErrors.notFound();
      const [ended] = await this.revokeAll(manager, [session], reason, this.clock());
      return ended ?? session;
    });
  }

  async status(tenantId: string, sessionId: string): Promise<SessionRecord> {
    const session = await new SessionRepository(this.dataSource.manager).find(tenantId, sessionId);
    if (!session) throw SessionErrors.notFound();
    return session;
  }

  /**
   * Ends every session of a user. `subject: true` also logs the subject itself as revoked (seed
   * 001 subject revoke, a deleted user), so the gateway denies tokens of the user issued before now
   * even when they name no known session.
   */
  revokeUser(tenantId: string, userId: string, reason: SessionRevocationReason, options: { subject: boolean }): Promise<SessionRecord[]> {
    return this.dataSource.transaction((manager) => this.revokeUserIn(manager, tenantId, userId, reason, options));
  }

  /** A deleted user (in the consumer's transaction): revoke every session, then delete them all. */
  async purgeDeletedUser(manager: EntityManager, tenantId: string, userId: string): Promise<{ revoked: number; purged: number }> {
    const revoked = await this.revokeUserIn(manager, tenantId, userId, 'user_deleted', { subject: true });
    const purged = await new SessionRepository(manager).purgeUser(tenantId, userId);
    return { revoked: revoked.length, purged };
  }

  /** Revokes sessions that reached their idle timeout or absolute end unnoticed; answers how many. */
  sweepTimedOut(limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock();
      const ended = await new SessionRepository(manager).endedButOpen(now, limit);
      let count = 0;
      for (const session of ended) {
        const reason = timeoutReasonOf(sessionStateOf(session, now)) ?? 'expired';
        count += (await this.revokeAll(manager, [session], reason, now)).length;
      }
      return count;
    });
  }

  private async revokeUserIn(manager: EntityManager, tenantId: string, userId: string, reason: SessionRevocationReason, options: { subject: boolean }): Promise<SessionRecord[]> {
    const now = this.clock();
    const sessions = new SessionRepository(manager);
    await sessions.lockUser(tenantId, userId);
    const ended = await sessions.revokeAllOfUser(tenantId, userId, now, reason);
    await this.record(manager, ended, reason, now);
    if (options.subject) await new RevocationLogRepository(manager).append([{ kind: 'subject', tenantId, userId, sessionId: null, reason, revokedAt: now }]);
    return ended;
  }

  /** Revokes the sessions not revoked yet; answers those it revoked (as they are now). */
  private async revokeAll(manager: EntityManager, candidates: readonly SessionRecord[], reason: SessionRevocationReason, now: Date): Promise<SessionRecord[]> {
    const sessions = new SessionRepository(manager);
    const ended: SessionRecord[] = [];
    for (const candidate of candidates) {
      const revoked = await sessions.revoke(candidate.id, now, reason);
      if (revoked) ended.push(revoked);
    }
    await this.record(manager, ended, reason, now);
    return ended;
  }

  /** The log entry and the `session.revoked` event of each revocation, in its transaction. */
  private async record(manager: EntityManager, ended: readonly SessionRecord[], reason: SessionRevocationReason, now: Date): Promise<void> {
    await new RevocationLogRepository(manager).append(
      ended.map((session) => ({ kind: 'session' as const, tenantId: session.tenantId, userId: session.userId, sessionId: session.id, reason, revokedAt: now })),
    );
    for (const session of ended) {
      await this.publisher.publish(manager, {
        type: 'session.revoked',
        tenantId: session.tenantId,
        subject: session.userId,
        data: { session_id: session.id, user_id: session.userId, reason, revoked_at: now.toISOString() },
      });
    }
  }
}
