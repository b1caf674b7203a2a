import { DynamicModule, Module } from '@nestjs/common';
import type { DirectoryClientSettings } from '@sigma/shared/contracts-internal';
import { join, resolve } from 'node:path';
import { DirectoryUsersClient } from './directory-users.client';
import { ErasureService } from './erasure.service';
import { ExportSweeper } from './export-sweeper';
import { ExportService } from './export.service';
import { Mailer } from './mailer';
import { PRIVACY_OPTIONS, PrivacyOptions } from './privacy-options';
import { PrivacyEventsConsumer } from './privacy-events.consumer';
import { PrivacyController } from './privacy.controller';
import { PrivacySettings } from './privacy.settings';

/** The options a service definition derives from its settings (the directory's: who a subject is, where to mail their code). */
export function privacyOptionsOf(settings: PrivacySettings, directory: DirectoryClientSettings): PrivacyOptions {
  return {
    directory: new DirectoryUsersClient({ baseUrl: directory.USER_DIRECTORY_URL, timeoutMs: directory.DIRECTORY_TIMEOUT_MS }),
    mailer: new Mailer({ smtpUrl: settings.SMTP_URL, mailDir: settings.IAM_MAIL_DIR ?? join(resolve(settings.IAM_DATA_DIR), 'mail'), from: settings.MAIL_FROM }),
    exportTimeoutSeconds: settings.EXPORT_TIMEOUT_SECONDS,
    exportRetentionHours: settings.EXPORT_RETENTION_HOURS,
    codeTtlSeconds: settings.ERASURE_CODE_TTL_SECONDS,
    sweepIntervalMs: Math.min(5000, settings.EXPORT_TIMEOUT_SECONDS * 250),
  };
}

/** Exports, erasures and the worker's event consumers. */
@Module({})
export class PrivacyRequestsModule {
  static with(options: PrivacyOptions): DynamicModule {
    return {
      module: PrivacyRequestsModule,
      controllers: [PrivacyController],
      providers: [{ provide: PRIVACY_OPTIONS, useValue: options }, ExportService, ErasureService, PrivacyEventsConsumer, ExportSweeper],
    };
  }
}
