import { Inject, Injectable } from '@nestjs/common';
import { MfaSessionRepository, RefreshTokenRepository, SigningKeyRepository } from '@sigma/auth/data-access';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { DataSource } from 'typeorm';
import { Clock, CLOCK } from '../auth-tokens.options';
import { HourlyPurge } from '@sigma/shared/feature-service-host';

const DAY_MS = 86400000;

/**
 * MFA sessions an hour after they expired, refresh-token families a day after their last token
 * expired, retired signing keys a day after they left the JWKS.
 */
@Injectable()
export class AuthHousekeepingService extends HourlyPurge {
  protected readonly what = 'auth state';

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger);
  }

  protected async purgeExpired(): Promise<Record<string, number>> {
    const now = this.clock().getTime();
    const manager = this.dataSource.manager;
    const mfaSessions = await new MfaSessionRepository(manager).purgeExpired(new Date(now - 3600000));
    const families = await new RefreshTokenRepository(manager).purgeExpired(new Date(now - DAY_MS));
    const keys = await new SigningKeyRepository(manager).purgeUnpublished(new Date(now - DAY_MS));
    return { mfa_sessions: mfaSessions, refresh_token_families: families, signing_keys: keys };
  }
}
