import type Redis from 'ioredis';

/** Remembers DPoP proof ids so each is accepted once (RFC 9449 §11.1). */
export interface ReplayCache {
  /** True the first time an id is seen within `ttlSeconds`, false on every later use. */
  firstUse(id: string, ttlSeconds: number): Promise<boolean>;
}

/** One gateway replica: ids in a map, forgotten once they expire. */
export class MemoryReplayCache implements ReplayCache {
  private readonly seen = new Map<string, number>();
  private lastSweep = Date.now();

  constructor(private readonly maxEntries = 1_000_000) {}

  async firstUse(id: string, ttlSeconds: number): Promise<boolean> {
    const now = Date.now();
    if (now - this.lastSweep > 10_000 || this.seen.size >= this.maxEntries) this.sweep(now);
    const until = this.seen.get(id);
    if (until !== undefined && until > now) return false;
    this.seen.set(id, now + ttlSeconds * 1000);
    return true;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [id, until] of this.seen) if (until <= now) this.seen.delete(id);
    // Still full of live ids: the oldest go first rather than memory growing without bound.
    while (this.seen.size >= this.maxEntries) this.seen.delete(this.seen.keys().next().value as string);
  }
}

/** Several replicas: `SET NX EX` in a shared Redis, so a proof replayed at another replica is refused too. */
export class RedisReplayCache implements ReplayCache {
  constructor(private readonly redis: Redis) {}

  async firstUse(id: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(`sigma-iam:dpop-jti:${id}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }
}
