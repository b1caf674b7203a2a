import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock, CLOCK } from '@sigma/auth/feature-tokens';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { WebauthnChallengeService } from './webauthn-challenge.service';

const INTERVAL_MS = 3600000;

/** Deletes challenges nobody answered, hourly on every replica (idempotent). */
@Injectable()
export class WebauthnHousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly challenges: WebauthnChallengeService,
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
      const purged = await this.challenges.purgeExpired(this.clock());
      if (purged > 0) this.logger.info({ webauthn_challenges: purged }, 'purged expired WebAuthn challenges');
    } catch (error) {
      this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'purging expired WebAuthn challenges failed; retrying in an hour');
    }
  }
}
