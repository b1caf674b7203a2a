import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RevokedAccessTokenRepository, SeenJtiRepository } from '@sigma/auth/data-access';
import { CLOCK, Clock } from '@sigma/auth/feature-tokens';
import { DataSource } from 'typeorm';

const PURGE_INTERVAL_MS = 3600000;

/**
 * Hourly, on every replica (idempotent deletes): forgets one-time JWT identifiers whose JWTs could
 * no longer be accepted and deny-list entries of access tokens that have expired.
 */
@Injectable()
export class OAuthHousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge().catch(() => undefined), PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async purge(): Promise<number> {
    const now = this.clock();
    const manager = this.dataSource.manager;
    const [seen, revoked] = await Promise.all([new SeenJtiRepository(manager).purgeExpired(now), new RevokedAccessTokenRepository(manager).purgeExpired(now)]);
    return seen + revoked;
  }
}
