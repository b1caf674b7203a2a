import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SsoLoginRepository } from '@sigma/auth/data-access-federation';
import { LOGGER, type Logger } from '@sigma/shared/util-http';
import { DataSource } from 'typeorm';

const INTERVAL_MS = 3600000;

/** Deletes expired pending sign-ins and unredeemed codes, hourly on every replica (idempotent deletes). */
@Injectable()
export class FederationHousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
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
      await new SsoLoginRepository(this.dataSource.manager).purgeExpired(new Date());
    } catch (error) {
      this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'purging expired sign-in state failed; retrying in an hour');
    }
  }
}
