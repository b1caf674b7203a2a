import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@sigma/shared/util-http';

const INTERVAL_MS = 3600000;

/**
 * Deletes what can no longer be used, hourly on every replica (the deletes are idempotent, so
 * replicas need no coordination). A failed round is logged and retried at the next one.
 */
export abstract class HourlyPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  /** What is purged, for the log lines: `expired ${what}`. */
  protected abstract readonly what: string;

  protected constructor(protected readonly logger: Logger) {}

  /** Deletes one round; answers how many of each kind went. */
  protected abstract purgeExpired(): Promise<Record<string, number>>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Runs one round now: answers the counts, or null when it failed (logged; the next round retries). */
  async purge(): Promise<Record<string, number> | null> {
    try {
      const counts = await this.purgeExpired();
      if (Object.values(counts).some((n) => n > 0)) this.logger.info(counts, `purged expired ${this.what}`);
      return counts;
    } catch (error) {
      this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, `purging expired ${this.what} failed; retrying in an hour`);
      return null;
    }
  }
}
