import type { LockoutPolicy } from '@sigma/directory/data-access';

/**
 * Per-account backoff: the 5th consecutive failure (wrong password, TOTP or recovery code) locks
 * the account for 30 s, and every further failure after a lock doubles it (60 s, 120 s, ...), up
 * to 15 minutes. A completed sign-in step resets the count. While locked, every attempt answers
 * RATE_LIMITED with the seconds left, without checking the credential.
 */
export const LOGIN_LOCKOUT: LockoutPolicy = { threshold: 5, baseSeconds: 30, maxSeconds: 900 };

interface Failures {
  count: number;
  lockedUntil: number;
}

/**
 * The same backoff for identifiers that name no account, kept in memory (bounded), so that a
 * locked answer does not tell an attacker which accounts exist. Per replica: with several
 * replicas an unknown identifier locks a little later than a real one.
 */
export class UnknownAccountThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly policy: LockoutPolicy = LOGIN_LOCKOUT,
    private readonly capacity = 10000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds the identifier stays locked (0 when it is not). */
  secondsLocked(key: string): number {
    const entry = this.failures.get(key);
    if (!entry) return 0;
    return Math.max(0, Math.ceil((entry.lockedUntil - this.now()) / 1000));
  }

  recordFailure(key: string): void {
    const entry = this.failures.get(key) ?? { count: 0, lockedUntil: 0 };
    entry.count += 1;
    if (entry.count >= this.policy.threshold) {
      const seconds = Math.min(this.policy.maxSeconds, this.policy.baseSeconds * 2 ** (entry.count - this.policy.threshold));
      entry.lockedUntil = this.now() + seconds * 1000;
    }
    this.failures.delete(key);
    if (this.failures.size >= this.capacity) this.failures.delete(this.failures.keys().next().value as string);
    this.failures.set(key, entry);
  }
}
