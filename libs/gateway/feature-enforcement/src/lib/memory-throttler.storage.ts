import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** How often idle logs are forgotten (checked on a hit; no timer runs). */
const SWEEP_EVERY_MS = 60_000;

/**
 * One key's hits in time order, as runs of (expiry, count): hits within one millisecond share a
 * run, so a busy key costs a few entries per millisecond rather than one per hit. Expired runs
 * leave from the head; the array is compacted once the dead head is the larger part.
 */
class SlidingLog {
  private readonly expiries: number[] = [];
  private readonly counts: number[] = [];
  private head = 0;
  total = 0;

  prune(now: number): void {
    while (this.head < this.expiries.length && this.expiries[this.head] <= now) {
      this.total -= this.counts[this.head];
      this.head += 1;
    }
    if (this.head > 64 && this.head * 2 > this.expiries.length) {
      this.expiries.splice(0, this.head);
      this.counts.splice(0, this.head);
      this.head = 0;
    }
  }

  add(expiry: number): void {
    const last = this.expiries.length - 1;
    if (last >= this.head && this.expiries[last] === expiry) this.counts[last] += 1;
    else {
      this.expiries.push(expiry);
      this.counts.push(1);
    }
    this.total += 1;
  }

  /** When the oldest live hit expires (the log is not empty). */
  get oldest(): number {
    return this.expiries[this.head];
  }

  /** When the newest hit expires, or 0 for an empty log. */
  get newest(): number {
    return this.total === 0 ? 0 : this.expiries[this.expiries.length - 1];
  }
}

/**
 * `@nestjs/throttler`'s `ThrottlerStorage` in this process's memory, counting exactly like
 * `RedisThrottlerStorage` (ADR 0017, 0013): a sliding log per throttler name and key, without a
 * block duration; a hit over the limit is refused and not recorded, and the limit frees up as the
 * oldest hit ages out. Each hit costs O(1) amortised whatever the limit (the library's
 * `ThrottlerStorageService` filters every live hit of the key on each hit and keeps one expiry
 * for all throttler names of a key). Times come from a monotonic clock, so a clock step neither
 * frees nor freezes a budget.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly logs = new Map<string, SlidingLog>();
  private lastSweep: number;

  constructor(private readonly clock: () => number = () => performance.now()) {
    this.lastSweep = clock();
  }

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = this.clock();
    if (now - this.lastSweep > SWEEP_EVERY_MS) this.sweep(now);
    const id = `${throttlerName}\u0000${key}`;
    let log = this.logs.get(id);
    if (!log) {
      log = new SlidingLog();
      this.logs.set(id, log);
    }
    log.prune(now);
    if (log.total >= limit) {
      return { totalHits: log.total + 1, timeToExpire: seconds(log.newest - now), isBlocked: true, timeToBlockExpire: seconds(log.oldest - now) };
    }
    log.add(Math.ceil(now + ttl));
    return { totalHits: log.total, timeToExpire: seconds(ttl), isBlocked: false, timeToBlockExpire: 0 };
  }

  /** Forgets every log whose hits have all expired. */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [id, log] of this.logs) if (log.newest <= now) this.logs.delete(id);
  }

  get size(): number {
    return this.logs.size;
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
