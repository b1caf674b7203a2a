import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SessionRepository } from '@sigma/session/data-access';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { DataSource } from 'typeorm';
import { RevocationFeedService } from './revocation-feed.service';
import { SessionLifecycleService } from './session-lifecycle.service';
import { Clock, SESSION_CLOCK } from './session.options';

const INTERVAL_MS = 60_000;
const SWEEP_BATCH = 500;
/** Ended sessions stay listed (active=false) this long. */
const ENDED_RETENTION_MS = 30 * 86_400_000;

/**
 * Every minute on every replica (each step is safe to run concurrently): sessions that reached their
 * idle timeout or absolute end unnoticed are revoked (session.revoked, reason idle_timeout or
 * expired); sessions ended more than 30 days ago and revocation-log entries outside the feed window
 * are deleted.
 */
@Injectable()
export class SessionHousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly lifecycle: SessionLifecycleService,
    private readonly feed: RevocationFeedService,
    @Inject(SESSION_CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async run(): Promise<void> {
    try {
      const timedOut = await this.lifecycle.sweepTimedOut(SWEEP_BATCH);
      const purged = await new SessionRepository(this.dataSource.manager).purgeEndedBefore(new Date(this.clock().getTime() - ENDED_RETENTION_MS));
      const revocations = await this.feed.purgeOutsideWindow();
      if (timedOut + purged + revocations > 0) this.logger.info({ timed_out: timedOut, purged_sessions: purged, purged_revocations: revocations }, 'session housekeeping');
    } catch (error) {
      this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'session housekeeping failed; retrying in a minute');
    }
  }
}
