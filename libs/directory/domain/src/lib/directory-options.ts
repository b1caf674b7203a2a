import type { SecretBox } from '@sigma/shared/util-crypto';

/** How repeated failures lock: from `threshold` failures on, for baseSeconds·2^(n−threshold) seconds, capped at maxSeconds. */
export interface BackoffPolicy {
  threshold: number;
  baseSeconds: number;
  maxSeconds: number;
}

/** Brute-force protection of password and second-factor checks (settings LOGIN_LOCKOUT_*, CLIENT_IP_LOCKOUT_*). */
export interface LoginProtection {
  /** Per account (and, alike, per unknown identifier). */
  account: BackoffPolicy;
  /** Per client IP, across accounts. */
  clientIp: BackoffPolicy;
}

/** What the directory's feature modules receive from the service shell's validated settings. */
export interface DirectoryOptions {
  /** bcrypt cost for password hashes (BCRYPT_COST, default 12). */
  bcryptCost: number;
  /** Seals TOTP secrets at rest (SECRETS_ENCRYPTION_KEY). */
  secretBox: SecretBox;
  /** Absent: the defaults of feature-credentials' login-lockout (5 / 30 s / 15 min per account, 20 / 30 s / 15 min per IP). */
  loginProtection?: LoginProtection;
}

export const DIRECTORY_OPTIONS = 'SIGMA_DIRECTORY_OPTIONS';
