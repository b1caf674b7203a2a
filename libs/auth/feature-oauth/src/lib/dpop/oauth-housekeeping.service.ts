import { Inject, Injectable } from '@nestjs/common';
import { RevokedAccessTokenRepository, SeenJtiRepository } from '@sigma/auth/data-access';
import { CLOCK, Clock } from '@sigma/auth/feature-tokens';
import { HourlyPurge } from '@sigma/shared/feature-service-host';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { DataSource } from 'typeorm';

/** One-time JWT identifiers whose JWTs could no longer be accepted, and deny-list entries of expired access tokens. */
@Injectable()
export class OAuthHousekeepingService extends HourlyPurge {
  protected readonly what = 'JWT identifiers and revoked access tokens';

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger);
  }

  protected async purgeExpired(): Promise<Record<string, number>> {
    const now = this.clock();
    const manager = this.dataSource.manager;
    const [seen, revoked] = await Promise.all([new SeenJtiRepository(manager).purgeExpired(now), new RevokedAccessTokenRepository(manager).purgeExpired(now)]);
    return { seen_jtis: seen, revoked_access_tokens: revoked };
  }
}
