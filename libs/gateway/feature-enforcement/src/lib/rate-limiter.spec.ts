import { ThrottlerStorageService } from '@nestjs/throttler';
import { RateLimiter } from './rate-limiter';
import { rateLimitPolicyOf } from './route-policies';

describe('RateLimiter over the in-memory throttler storage', () => {
  let storage: ThrottlerStorageService;

  beforeEach(() => {
    storage = new ThrottlerStorageService();
  });
  afterEach(() => storage.onApplicationShutdown());

  it('allows the limit, then refuses with Retry-After; refused requests are not counted', async () => {
    const limiter = new RateLimiter(storage);
    const login = rateLimitPolicyOf('POST', '/api/v1/auth/login');
    const remaining: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const decision = await limiter.hit(login, '10.0.0.1|alice');
      expect(decision.allowed).toBe(true);
      remaining.push(decision.remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    const refused = await limiter.hit(login, '10.0.0.1|alice');
    expect(refused).toMatchObject({ allowed: false, limit: 5, remaining: 0, refusedBy: 'window' });
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.hit(login, '10.0.0.1|bob')).allowed).toBe(true);
  });

  it("limits seed 003's routes to a burst of 10 a second within 100 a minute, overridable per tenant", async () => {
    const limiter = new RateLimiter(storage);
    const tenantApi = rateLimitPolicyOf('GET', '/api/users');
    const decisions = [];
    for (let i = 0; i < 11; i += 1) decisions.push(await limiter.hit(tenantApi, 'tenant-a|10.0.0.1'));
    expect(decisions.slice(0, 10).every((d) => d.allowed)).toBe(true);
    expect(decisions[10]).toMatchObject({ allowed: false, refusedBy: 'burst', limit: 100 });

    const overridden = [];
    for (let i = 0; i < 4; i += 1) overridden.push(await limiter.hit(tenantApi, 'tenant-b|10.0.0.1', { requestsPerMinute: 3, burst: 50 }));
    expect(overridden.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(overridden[3]).toMatchObject({ limit: 3, refusedBy: 'window' });
  });

  it('ignores tenant overrides on policies not keyed by tenant, and scales limits by the factor', async () => {
    const login = rateLimitPolicyOf('POST', '/api/v1/auth/login');
    expect((await new RateLimiter(storage).hit(login, 'k', { requestsPerMinute: 1000, burst: null })).limit).toBe(5);
    expect((await new RateLimiter(storage, 10).hit(login, 'other')).limit).toBe(50);
  });
});
