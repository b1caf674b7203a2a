import { Inject, Injectable } from '@nestjs/common';
import { SessionFilter, SessionRecord, SessionRepository } from '@sigma/session/data-access';
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
}
