import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';

/**
 * A sliding log per key in a Redis sorted set (member = hit, score = when it expires), the same
 * counting as @nestjs/throttler's in-memory ThrottlerStorageService without a block duration: a
 * hit over the limit is refused and not recorded, and the limit frees up as the oldest hit ages
 * out. One Lua script per hit, so replicas sharing the server never race.
 */
const SLIDING_LOG = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
local count = redis.call('ZCARD', key)
if count >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {count + 1, redis.call('PTTL', key), 1, tonumber(oldest[2]) - now}
end
redis.call('ZADD', key, now + ttl, ARGV[4])
redis.call('PEXPIRE', key, ttl)
return {count + 1, ttl, 0, 0}
`;

export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly prefix = 'sigma-iam:rl:';

  constructor(private readonly redis: Redis) {
    redis.defineCommand('sigmaSlidingLog', { numberOfKeys: 1, lua: SLIDING_LOG });
  }

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string): Promise<{ totalHits: number; timeToExpire: number; isBlocked: boolean; timeToBlockExpire: number }> {
    const hit = `${Date.now()}-${randomBytes(6).toString('hex')}`;
    const command = (this.redis as unknown as Record<string, (...args: Array<string | number>) => Promise<number[]>>)['sigmaSlidingLog'];
    const [totalHits, timeToExpire, blocked, timeToBlockExpire] = await command.call(this.redis, `${this.prefix}${throttlerName}:${key}`, Date.now(), ttl, limit, hit);
    return {
      totalHits,
      timeToExpire: Math.max(1, Math.ceil(timeToExpire / 1000)),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.max(1, Math.ceil(timeToBlockExpire / 1000)),
    };
  }
}
