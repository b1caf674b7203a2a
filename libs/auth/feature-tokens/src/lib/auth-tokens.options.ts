import type { DirectoryClient, SessionClient } from '@sigma/auth/data-access';
import type { SigningAlgorithm } from '@sigma/shared/util-auth';
import type { SecretBox } from '@sigma/shared/util-crypto';

/** What the token features receive from the service shell's validated settings. */
export interface AuthTokensOptions {
  /** The base tenant issuers derive from (PUBLIC_URL). */
  publicUrl: string;
  algorithm: SigningAlgorithm;
  /** Age after which a tenant's signing key is replaced at its next use. */
  keyMaxAgeSeconds: number;
  /** Seals private signing keys at rest (SECRETS_ENCRYPTION_KEY). */
  secretBox: SecretBox;
  directory: DirectoryClient;
  /** session-service's internal API: every login's session lives there (sid = its id). */
  sessions: SessionClient;
}

export const AUTH_TOKENS_OPTIONS = 'SIGMA_AUTH_TOKENS_OPTIONS';

/** The current time; tests substitute their own. */
export type Clock = () => Date;

export const CLOCK = 'SIGMA_AUTH_CLOCK';
