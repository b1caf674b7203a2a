import type { LockoutPolicy } from '@sigma/directory/data-access';

/**
 * Per-account backoff: the 5th consecutive failure (wrong password, TOTP or recovery code) locks
 * the account for 30 s, and every further failure after a lock doubles it (60 s, 120 s, ...), up
 * to 15 minutes. A completed sign-in step resets the count. While locked, every attempt answers
 * RATE_LIMITED with the seconds left, without checking the credential. An identifier that names
 * no account is counted and locked exactly alike, in the same table (ADR 30).
 */
export const LOGIN_LOCKOUT: LockoutPolicy = { threshold: 5, baseSeconds: 30, maxSeconds: 900 };

/**
 * Per client IP (password spraying across many accounts from one address): 20 failures within
 * 15 minutes of each other lock the address for 30 s, doubling with each further failure, up to
 * 15 minutes. Generous, so that many users behind one NAT are not locked out by a few typos.
 */
export const CLIENT_IP_LOCKOUT: LockoutPolicy = { threshold: 20, baseSeconds: 30, maxSeconds: 900 };

/** Failures further apart than this start a new count (in-memory throttles: client IPs). */
export const FAILURE_WINDOW_SECONDS = 900;

/**
 * A sign-in subject's failures are forgotten a day after the last one (counted in the database;
 * an hourly purge deletes forgotten counts whose lock has ended).
 */
export const FORGET_FAILURES_AFTER_SECONDS = 86400;

interface Failures {
  count: number;
  lockedUntil: number;
  lastFailureAt: number;
}

/**
 * A backoff kept in memory (bounded, per replica), for client IPs: with several replicas an
 * address gets a few more attempts before its lock.
 */
export class FailureThrottle {
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
    const now = this.now();
    const entry = this.failures.get(key) ?? { count: 0, lockedUntil: 0, lastFailureAt: now };
    if (now - entry.lastFailureAt > FAILURE_WINDOW_SECONDS * 1000) entry.count = 0;
    entry.count += 1;
    entry.lastFailureAt = now;
    if (entry.count >= this.policy.threshold) {
      const seconds = Math.min(this.policy.maxSeconds, this.policy.baseSeconds * 2 ** (entry.count - this.policy.threshold));
      entry.lockedUntil = now + seconds * 1000;
    }
    this.failures.delete(key);
    if (this.failures.size >= this.capacity) this.failures.delete(this.failures.keys().next().value as string);
    this.failures.set(key, entry);
  }
}
