import { Inject, Injectable } from '@nestjs/common';
import { purgeExpiredAuthorizeState } from '@sigma/auth/data-access-authorize';
import { CLOCK, Clock } from '@sigma/auth/feature-tokens';
import { HourlyPurge } from '@sigma/shared/feature-service-host';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { DataSource } from 'typeorm';

/** Kept a day past expiry: a replayed code still finds (and revokes) what its first use issued. */
const GRACE_MS = 86400000;

/** Expired PAR requests, pending authorizations, codes, device authorizations and browser sessions. */
@Injectable()
export class AuthorizeHousekeepingService extends HourlyPurge {
  protected readonly what = 'authorization state';

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger);
  }

  protected async purgeExpired(): Promise<Record<string, number>> {
    return purgeExpiredAuthorizeState(this.dataSource.manager, new Date(this.clock().getTime() - GRACE_MS));
  }
}
