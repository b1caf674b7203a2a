import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RateLimiter } from './rate-limiter';
import { rateLimitPolicyOf } from './route-policies';

/** A storage on a clock the test moves. */
function storageAt(start = 1_000_000): { storage: MemoryThrottlerStorage; advance: (ms: number) => void } {
  let now = start;
  return { storage: new MemoryThrottlerStorage(() => now), advance: (ms) => (now += ms) };
}

describe('MemoryThrottlerStorage', () => {
  it('counts a sliding log: the limit, then refusals that are not recorded, then one slot per expired hit', async () => {
    const { storage, advance } = storageAt();
    const hits = [];
    for (let i = 0; i < 3; i += 1) {
      hits.push(await storage.increment('k', 10_000, 3, 0, 'p'));
      advance(1000);
    }
    expect(hits.map((h) => [h.totalHits, h.isBlocked, h.timeToExpire])).toEqual([
      [1, false, 10],
      [2, false, 10],
      [3, false, 10],
    ]);
    // 3 s after the first hit: full; the oldest hit frees its slot 7 s from now.
    expect(await storage.increment('k', 10_000, 3, 0, 'p')).toEqual({ totalHits: 4, timeToExpire: 9, isBlocked: true, timeToBlockExpire: 7 });
    advance(7000);
    expect(await storage.increment('k', 10_000, 3, 0, 'p')).toMatchObject({ totalHits: 3, isBlocked: false });
    expect(await storage.increment('k', 10_000, 3, 0, 'p')).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
  });

  it('keeps throttler names and keys apart (a burst log never shortens the window)', async () => {
    const { storage, advance } = storageAt();
    await storage.increment('k', 1000, 10, 0, 'api.burst');
    const window = await storage.increment('k', 60_000, 100, 0, 'api');
    expect(window).toMatchObject({ totalHits: 1, timeToExpire: 60 });
    advance(2000);
    expect(await storage.increment('k', 60_000, 100, 0, 'api')).toMatchObject({ totalHits: 2 });
    expect(await storage.increment('k', 1000, 10, 0, 'api.burst')).toMatchObject({ totalHits: 1 });
    expect(await storage.increment('other', 60_000, 100, 0, 'api')).toMatchObject({ totalHits: 1 });
  });

  it('holds many hits within one millisecond as one run and still counts each', async () => {
    const { storage, advance } = storageAt();
    for (let i = 0; i < 50_000; i += 1) await storage.increment('busy', 60_000, 50_000, 0, 'p');
    expect(await storage.increment('busy', 60_000, 50_000, 0, 'p')).toMatchObject({ totalHits: 50_001, isBlocked: true, timeToBlockExpire: 60 });
    advance(60_000);
    expect(await storage.increment('busy', 60_000, 50_000, 0, 'p')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('forgets idle keys', async () => {
    const { storage, advance } = storageAt();
    await storage.increment('a', 1000, 5, 0, 'p');
    await storage.increment('b', 120_000, 5, 0, 'p');
    advance(61_000);
    await storage.increment('c', 1000, 5, 0, 'p');
    expect(storage.size).toBe(2);
  });

  it('gives RateLimiter the answers of the in-memory throttler storage, with the reset of the window', async () => {
    const { storage } = storageAt();
    const limiter = new RateLimiter(storage);
    const tenantApi = rateLimitPolicyOf('GET', '/api/users');
    const now = Date.now();
    const decisions = [];
    for (let i = 0; i < 11; i += 1) decisions.push(await limiter.hit(tenantApi, 'tenant-a|10.0.0.1', undefined, now));
    expect(decisions.slice(0, 10).map((d) => d.remaining)).toEqual([99, 98, 97, 96, 95, 94, 93, 92, 91, 90]);
    expect(decisions[0].resetAt).toBe(Math.ceil(now / 1000) + 60);
    expect(decisions[10]).toMatchObject({ allowed: false, refusedBy: 'burst', limit: 100, retryAfterSeconds: 1 });
  });
});
