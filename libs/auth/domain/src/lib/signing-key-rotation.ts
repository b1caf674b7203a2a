import type { SigningAlgorithm } from '@sigma/shared/util-auth';

/** When a tenant's signing key started and stopped signing, and how long it stays published. */
export interface SigningKeyLifecycle {
  kid: string;
  alg: SigningAlgorithm;
  activatedAt: Date;
  /** Set when a successor took over signing; null while the key signs. */
  retiredAt: Date | null;
  /** A retired key stays in the tenant's JWKS until tokens it signed have expired. */
  publishUntil: Date | null;
}

export interface RotationPolicy {
  /** The algorithm new keys use (TOKEN_SIGNING_ALG). */
  algorithm: SigningAlgorithm;
  /** A key older than this is replaced at its next use. */
  maxAgeSeconds: number;
}

/** Clock skew verifiers tolerate, added to how long a retired key stays published. */
export const KEY_PUBLICATION_TOLERANCE_SECONDS = 300;

export type KeyDecision = 'create' | 'rotate' | 'keep';

/**
 * What a tenant's active key needs before it signs: none yet (create), too old or of an algorithm
 * no longer configured (rotate), or nothing (keep).
 */
export function decideSigningKey(active: SigningKeyLifecycle | undefined, policy: RotationPolicy, now: Date): KeyDecision {
  if (!active) return 'create';
  if (active.alg !== policy.algorithm) return 'rotate';
  const ageSeconds = (now.getTime() - active.activatedAt.getTime()) / 1000;
  return ageSeconds >= policy.maxAgeSeconds ? 'rotate' : 'keep';
}

/**
 * Until when a key retired at `retiredAt` stays published: the longest lifetime of the tokens it
 * signed (access and ID tokens; refresh tokens are opaque) plus the verifiers' clock tolerance.
 */
export function publishUntilOf(retiredAt: Date, longestTokenLifetimeSeconds: number): Date {
  return new Date(retiredAt.getTime() + (longestTokenLifetimeSeconds + KEY_PUBLICATION_TOLERANCE_SECONDS) * 1000);
}

/** Whether the key belongs in the tenant's JWKS at `now`. */
export function isPublished(key: SigningKeyLifecycle, now: Date): boolean {
  if (key.retiredAt === null) return true;
  return key.publishUntil !== null && key.publishUntil.getTime() > now.getTime();
}
