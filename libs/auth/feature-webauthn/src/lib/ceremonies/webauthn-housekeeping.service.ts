import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK } from '@sigma/auth/feature-tokens';
import { HourlyPurge } from '@sigma/shared/feature-service-host';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { WebauthnChallengeService } from './webauthn-challenge.service';

/** Challenges nobody answered. */
@Injectable()
export class WebauthnHousekeepingService extends HourlyPurge {
  protected readonly what = 'WebAuthn challenges';

  constructor(
    private readonly challenges: WebauthnChallengeService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(logger);
  }

  protected async purgeExpired(): Promise<Record<string, number>> {
    return { webauthn_challenges: await this.challenges.purgeExpired(this.clock()) };
  }
}
