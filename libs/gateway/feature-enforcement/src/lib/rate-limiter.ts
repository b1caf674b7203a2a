import type { ThrottlerStorage } from '@nestjs/throttler';
import { RateLimitPolicy } from './route-policies';

export interface RateLimitOverride {
  requestsPerMinute: number | null;
  burst: number | null;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds when the budget is whole again (X-RateLimit-Reset). */
  resetAt: number;
  /** Seconds to wait, when refused. */
  retryAfterSeconds?: number;
  /** Which limit refused: the window's or the one-second burst's. */
  refusedBy?: 'window' | 'burst';
}

/**
 * API.md's limits over a @nestjs/throttler storage (MemoryThrottlerStorage, or the Redis sliding
 * log shared by replicas): each key has a sliding window of the policy's length and,
 * where the policy has one, a one-second burst limit. A refused request is not counted, so a client
 * that waits `Retry-After` gets through. `factor` scales every limit (load tests, staging).
 */
export class RateLimiter {
  constructor(
    private readonly storage: ThrottlerStorage,
    private readonly factor = 1,
  ) {}

  async hit(policy: RateLimitPolicy, key: string, override?: RateLimitOverride, now = Date.now()): Promise<RateLimitDecision> {
    const tenantLimit = policy.tenantConfigurable ? override?.requestsPerMinute : null;
    const tenantBurst = policy.tenantConfigurable ? override?.burst : null;
    const limit = Math.max(1, Math.round((tenantLimit ?? policy.limit) * this.factor));
    const burst = (tenantBurst ?? policy.burst) === undefined ? undefined : Math.max(1, Math.round((tenantBurst ?? policy.burst ?? 1) * this.factor));
    const windowMs = policy.windowSeconds * 1000;
    const nowSeconds = Math.ceil(now / 1000);

    if (burst !== undefined) {
      const short = await this.storage.increment(key, 1000, burst, 0, `${policy.name}.burst`);
      if (short.isBlocked) {
        return { allowed: false, limit, remaining: 0, resetAt: nowSeconds + short.timeToBlockExpire, retryAfterSeconds: Math.max(1, short.timeToBlockExpire), refusedBy: 'burst' };
      }
    }
    const record = await this.storage.increment(key, windowMs, limit, 0, policy.name);
    if (record.isBlocked) {
      return { allowed: false, limit, remaining: 0, resetAt: nowSeconds + record.timeToBlockExpire, retryAfterSeconds: Math.max(1, record.timeToBlockExpire), refusedBy: 'window' };
    }
    return { allowed: true, limit, remaining: Math.max(0, limit - record.totalHits), resetAt: nowSeconds + record.timeToExpire };
  }
}
