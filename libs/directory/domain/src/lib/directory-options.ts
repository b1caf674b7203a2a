import type { SecretBox } from '@sigma/shared/util-crypto';

/** What the directory's feature modules receive from the service shell's validated settings. */
export interface DirectoryOptions {
  /** bcrypt cost for password hashes (BCRYPT_COST, default 12). */
  bcryptCost: number;
  /** Seals TOTP secrets at rest (SECRETS_ENCRYPTION_KEY). */
  secretBox: SecretBox;
}

export const DIRECTORY_OPTIONS = 'SIGMA_DIRECTORY_OPTIONS';
