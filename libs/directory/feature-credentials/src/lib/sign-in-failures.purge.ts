import { Inject, Injectable } from '@nestjs/common';
import { CredentialsRepository } from '@sigma/directory/data-access';
import { HourlyPurge } from '@sigma/shared/feature-service-host';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { DataSource } from 'typeorm';
import { FORGET_FAILURES_AFTER_SECONDS } from './login-lockout';

/**
 * Deletes forgotten sign-in failure counts whose lock has ended. Counts of identifiers that name
 * no account would otherwise pile up.
 */
@Injectable()
export class SignInFailuresPurge extends HourlyPurge {
  protected readonly what = 'sign-in failure counts';

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger);
  }

  protected async purgeExpired(): Promise<Record<string, number>> {
    return { sign_in_failures: await new CredentialsRepository(this.dataSource.manager).purgeForgottenFailures(FORGET_FAILURES_AFTER_SECONDS) };
  }
}
