import { Inject, Injectable } from '@nestjs/common';
import { RevocationLogRepository, SessionFilter, SessionRecord, SessionRepository } from '@sigma/session/data-access';
import { DataSource } from 'typeorm';
import { Clock, SESSION_CLOCK } from './session.options';

/** Reads of sessions for the public routes; every read names its tenant. */
@Injectable()
export class SessionQueryService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SESSION_CLOCK) private readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock();
  }

  /** A user's usable sessions in every application, newest first. */
  async activeOfUser(tenantId: string, userId: string): Promise<SessionRecord[]> {
    return (await new SessionRepository(this.dataSource.manager).usableOfUser(tenantId, userId, this.clock())).reverse();
  }

  list(filter: SessionFilter, page: { limit: number; offset: number }): Promise<{ sessions: SessionRecord[]; total: number; activeCount: number }> {
    return new SessionRepository(this.dataSource.manager).list(filter, this.clock(), page);
  }

  find(tenantId: string, sessionId: string): Promise<SessionRecord | undefined> {
    return new SessionRepository(this.dataSource.manager).find(tenantId, sessionId);
  }

  /**
   * Whether a browser sign-in of the user that began at `since` and started these sessions was
   * signed out (ADR 15): one of them revoked on purpose (logout, admin, max sessions, password
   * change, refresh-token reuse, subject revocation), one of them gone (deleted with its user), or a
   * subject revocation of the user since. Sessions that merely idled out or expired do not end it.
   */
  async signInRevocation(tenantId: string, userId: string, since: Date, sessionIds: readonly string[]): Promise<{ revoked: boolean; reason: string | null }> {
    const unique = [...new Set(sessionIds)];
    const sessions = await new SessionRepository(this.dataSource.manager).deliberateRevocationAmong(tenantId, userId, unique);
    if (sessions.reason !== null) return { revoked: true, reason: sessions.reason };
    if (sessions.found < unique.length) return { revoked: true, reason: 'session_gone' };
    const subject = await new RevocationLogRepository(this.dataSource.manager).subjectRevokedSince(tenantId, userId, since);
    return subject === undefined ? { revoked: false, reason: null } : { revoked: true, reason: subject };
  }
}
