import { PRIVACY_SERVICES, PrivacyService } from '@sigma/shared/contracts-events';
import { DirectoryUsersClient } from './directory-users.client';
import { Mailer } from './mailer';

export const PRIVACY_OPTIONS = 'SIGMA_PRIVACY_OPTIONS';

export interface PrivacyOptions {
  directory: DirectoryUsersClient;
  mailer: Mailer;
  exportTimeoutSeconds: number;
  exportRetentionHours: number;
  codeTtlSeconds: number;
  /** How often overdue exports are failed and expired artifacts deleted. */
  sweepIntervalMs: number;
}

/** The services that answer privacy events: every data-owning service. */
export const ANSWERING_SERVICES: readonly PrivacyService[] = PRIVACY_SERVICES;

/**
 * What the `include_services` names of seed 001 select. Any name we hold no data for (seed 001's
 * `analytics`, for one) selects nothing and is reported back as not held. The worker's own slice
 * (the subject's privacy requests) is always part of an export.
 */
export const EXPORT_CATEGORIES: Readonly<Record<string, readonly PrivacyService[]>> = {
  identity: ['user-directory', 'auth-server'],
  profile: ['user-directory'],
  credentials: ['user-directory'],
  roles: ['user-directory'],
  groups: ['user-directory'],
  applications: ['auth-server'],
  consents: ['auth-server'],
  tokens: ['auth-server'],
  sessions: ['session-service'],
  login_history: ['session-service'],
  privacy: ['privacy-worker'],
  ...Object.fromEntries(PRIVACY_SERVICES.map((service) => [service, [service]])),
};
