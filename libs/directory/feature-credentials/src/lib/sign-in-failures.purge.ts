import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CredentialsRepository } from '@sigma/directory/data-access';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { DataSource } from 'typeorm';
import { FORGET_FAILURES_AFTER_SECONDS } from './login-lockout';

const INTERVAL_MS = 3600000;

/**
 * Deletes forgotten sign-in failure counts whose lock has ended, hourly on every replica (the
 * delete is idempotent). Counts of identifiers that name no account would otherwise pile up.
 */
@Injectable()
export class SignInFailuresPurge implements OnApplicationBootstrap, OnApplicationShutdown {
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

  async purge(): Promise<number> {
    try {
      const count = await new CredentialsRepository(this.dataSource.manager).purgeForgottenFailures(FORGET_FAILURES_AFTER_SECONDS);
      if (count > 0) this.logger.info({ sign_in_failures: count }, 'purged forgotten sign-in failure counts');
      return count;
    } catch (error) {
      this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'purging forgotten sign-in failure counts failed; retrying in an hour');
      return 0;
    }
  }
}
