import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { purgeExpiredAuthorizeState } from '@sigma/auth/data-access-authorize';
import { CLOCK, Clock } from '@sigma/auth/feature-tokens';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { DataSource } from 'typeorm';

const INTERVAL_MS = 3600000;
/** Kept a day past expiry: a replayed code still finds (and revokes) what its first use issued. */
const GRACE_MS = 86400000;

/** Deletes expired PAR requests, pending authorizations, codes, device authorizations and browser sessions, hourly on every replica (idempotent). */
@Injectable()
export class AuthorizeHousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async purge(): Promise<void> {
    try {
      const counts = await purgeExpiredAuthorizeState(this.dataSource.manager, new Date(this.clock().getTime() - GRACE_MS));
      if (Object.values(counts).some((n) => n > 0)) this.logger.info(counts, 'purged expired authorization state');
    } catch (error) {
      this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'purging expired authorization state failed; retrying in an hour');
    }
  }
}
