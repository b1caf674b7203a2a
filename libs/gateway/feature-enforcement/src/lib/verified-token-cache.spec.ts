import type { Caller } from '@sigma/shared/util-auth';
import { VerifiedTokenCache } from './verified-token-cache';

const callerUntil = (expiresAt: number): Caller => ({
  tenantId: 't',
  clientId: 'c',
  tokenId: 'j',
  scopes: [],
  roles: [],
  permissions: [],
  expiresAt: new Date(expiresAt),
  issuedAt: new Date(expiresAt - 60_000),
});

describe('VerifiedTokenCache', () => {
  it('keys by the SHA-256 of the token, never the token', () => {
    const key = VerifiedTokenCache.keyOf('header.payload.signature');
    expect(key).not.toContain('payload');
    expect(key).toHaveLength(43);
  });

  it('returns a token until it expires', () => {
    const cache = new VerifiedTokenCache(10);
    const now = Date.now();
    cache.set('a', callerUntil(now + 1000));
    expect(cache.get('a', now)?.tenantId).toBe('t');
    expect(cache.get('a', now + 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('is bounded, the least recently used going first', () => {
    const cache = new VerifiedTokenCache(2);
    const until = Date.now() + 60_000;
    cache.set('a', callerUntil(until));
    cache.set('b', callerUntil(until));
    expect(cache.get('a')).toBeDefined();
    cache.set('c', callerUntil(until));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('keeps nothing with capacity 0', () => {
    const cache = new VerifiedTokenCache(0);
    cache.set('a', callerUntil(Date.now() + 60_000));
    expect(cache.get('a')).toBeUndefined();
  });
});
