import type { Caller } from '@sigma/shared/util-auth';
import { createHash } from 'node:crypto';

/**
 * Access tokens that already verified, keyed by their SHA-256 (the token itself is never kept),
 * each until it expires; bounded, least recently used first out. A hit skips the signature check;
 * the deny-list and DPoP proofs are still checked on every request.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Caller>();

  constructor(private readonly capacity: number) {}

  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  get(key: string, now = Date.now()): Caller | undefined {
    const caller = this.entries.get(key);
    if (!caller) return undefined;
    this.entries.delete(key);
    if (caller.expiresAt.getTime() <= now) return undefined;
    this.entries.set(key, caller);
    return caller;
  }

  set(key: string, caller: Caller): void {
    if (this.capacity === 0) return;
    this.entries.delete(key);
    while (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, caller);
  }

  get size(): number {
    return this.entries.size;
  }
}
