import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MfaSessionRepository, RefreshTokenRepository, SigningKeyRepository } from '@sigma/auth/data-access';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { DataSource } from 'typeorm';
import { Clock, CLOCK } from '../auth-tokens.options';

const INTERVAL_MS = 3600000;
const DAY_MS = 86400000;

/**
 * Deletes what can no longer be used, hourly on every replica (the deletes are idempotent): MFA
 * sessions an hour after they expired, refresh-token families a day after their last token expired,
 * retired signing keys a day after they left the JWKS.
 */
@Injectable()
export class AuthHousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
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
    const now = this.clock().getTime();
    try {
      const manager = this.dataSource.manager;
      const mfaSessions = await new MfaSessionRepository(manager).purgeExpired(new Date(now - 3600000));
      const families = await new RefreshTokenRepository(manager).purgeExpired(new Date(now - DAY_MS));
      const keys = await new SigningKeyRepository(manager).purgeUnpublished(new Date(now - DAY_MS));
      if (mfaSessions + families + keys > 0) this.logger.info({ mfa_sessions: mfaSessions, refresh_token_families: families, signing_keys: keys }, 'purged expired auth state');
    } catch (error) {
      this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'purging expired auth state failed; retrying in an hour');
    }
  }
}
