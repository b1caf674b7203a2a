import type { DirectoryClient } from '@sigma/auth/data-access';
import type { SecretBox } from '@sigma/shared/util-crypto';

/** What the federation feature receives from auth-server's validated settings. */
export interface FederationOptions {
  /** The suite's public base URL (PUBLIC_URL): the social callback is under it. */
  publicUrl: string;
  /** Seals upstream client secrets and PKCE verifiers (SECRETS_ENCRYPTION_KEY). */
  secretBox: SecretBox;
  directory: DirectoryClient;
}

export const FEDERATION_OPTIONS = 'SIGMA_FEDERATION_OPTIONS';

/** How long a user may take at the upstream provider before the pending sign-in expires. */
export const LOGIN_STATE_TTL_SECONDS = 600;
/** How long the application has to redeem its one-time code (seed 000 flow). */
export const LOGIN_CODE_TTL_SECONDS = 60;
