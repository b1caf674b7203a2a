import { Inject, Injectable } from '@nestjs/common';
import { RevocationLogRepository } from '@sigma/session/data-access';
import type { RevocationFeedResponse } from '@sigma/shared/contracts-internal';
import { DataSource } from 'typeorm';
import { Clock, SESSION_CLOCK, SESSION_OPTIONS, SessionOptions } from './session.options';

const DEFAULT_PAGE = 1000;

/**
 * What the gateway rebuilds its deny-list from at start: revoked sessions and subjects, never older
 * than the feed window (the longest token lifetime; older revocations deny nothing that still
 * verifies). Paged by the log's own order, so entries appended while a client pages are not skipped.
 */
@Injectable()
export class RevocationFeedService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SESSION_OPTIONS) private readonly options: SessionOptions,
    @Inject(SESSION_CLOCK) private readonly clock: Clock,
  ) {}

  async page(query: { since?: Date; cursor?: string; limit?: number }): Promise<RevocationFeedResponse> {
    const now = this.clock();
    const windowStart = new Date(now.getTime() - this.options.revocationFeedWindowSeconds * 1000);
    const since = query.since && query.since > windowStart ? query.since : windowStart;
    const { entries, next } = await new RevocationLogRepository(this.dataSource.manager).page(since, query.cursor, query.limit ?? DEFAULT_PAGE);
    return {
      revocations: entries.map((entry) => ({
        kind: entry.kind,
        tenant_id: entry.tenantId,
        user_id: entry.userId,
        session_id: entry.sessionId,
        reason: entry.reason,
        revoked_at: entry.revokedAt.toISOString(),
      })),
      window_start: windowStart.toISOString(),
      generated_at: now.toISOString(),
      next_cursor: next,
    };
  }

  /** Drops log entries older than the window; answers how many. */
  purgeOutsideWindow(): Promise<number> {
    const before = new Date(this.clock().getTime() - this.options.revocationFeedWindowSeconds * 1000);
    return new RevocationLogRepository(this.dataSource.manager).purgeBefore(before);
  }
}
