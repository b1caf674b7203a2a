import type { SessionPolicy } from '@sigma/session/domain';

/** What the session features receive from the service shell's validated settings. */
export interface SessionOptions {
  defaults: SessionPolicy;
  revocationFeedWindowSeconds: number;
  /** user-directory's internal API (USER_DIRECTORY_URL, DIRECTORY_TIMEOUT_MS): which tenant is the platform's, and whether a named tenant exists. */
  directory: { url: string; timeoutMs: number };
}

export const SESSION_OPTIONS = 'SIGMA_SESSION_OPTIONS';

/** The current time; tests substitute their own. */
export type Clock = () => Date;

export const SESSION_CLOCK = 'SIGMA_SESSION_CLOCK';
