import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LOGGER } from '@sigma/shared/util-http';
import type { Logger } from 'pino';
import { ExportService } from './export.service';
import { PRIVACY_OPTIONS, PrivacyOptions } from './privacy-options';

/** Periodically fails overdue exports and deletes expired artifacts. */
@Injectable()
export class ExportSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly exports: ExportService,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.exports
        .sweep()
        .catch((error: Error) => this.logger.warn({ error: error.message }, 'export sweep failed; will retry'))
        .finally(() => (this.running = undefined));
    }, this.options.sweepIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
