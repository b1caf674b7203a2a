import { Inject, Injectable } from '@nestjs/common';
import { SsoLoginRepository } from '@sigma/auth/data-access-federation';
import { HourlyPurge } from '@sigma/shared/feature-service-host';
import { LOGGER, type Logger } from '@sigma/shared/util-http';
import { DataSource } from 'typeorm';

/** Expired pending sign-ins and unredeemed codes. */
@Injectable()
export class FederationHousekeepingService extends HourlyPurge {
  protected readonly what = 'sign-in state';

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger);
  }

  protected async purgeExpired(): Promise<Record<string, number>> {
    await new SsoLoginRepository(this.dataSource.manager).purgeExpired(new Date());
    return {};
  }
}
