/**
 * How long sessions live and how many a user may hold. Resolved per login: the service defaults,
 * overridden by the tenant's policy, overridden by the application's (seed 002 `sessionTimeout`,
 * `maxSessions`). The result is stamped on the session, so a later policy change applies to new
 * sessions only.
 */
export interface SessionPolicy {
  /** A session unused for this long ends (seed 002 `sessionTimeout`). */
  idleTimeoutSeconds: number;
  /** A session ends this long after its login, however active. */
  absoluteLifetimeSeconds: number;
  /** Replaces the absolute lifetime of a remember-me login, which has no shorter idle timeout. */
  rememberMeLifetimeSeconds: number;
  /** Active sessions a user may hold (in the tenant, or in one application); the oldest is revoked beyond it. */
  maxSessions: number;
}

/** A policy layer: each absent field inherits from the layer below. */
export type SessionPolicyOverride = Partial<SessionPolicy>;

export function resolveSessionPolicy(defaults: SessionPolicy, ...layers: Array<SessionPolicyOverride | undefined>): SessionPolicy {
  const policy = { ...defaults };
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of Object.keys(policy) as Array<keyof SessionPolicy>) {
      const value = layer[key];
      if (value !== undefined && value !== null) policy[key] = value;
    }
  }
  return policy;
}

/** When a new session ends at the latest, and how long it may stay unused. */
export interface SessionTimes {
  expiresAt: Date;
  idleTimeoutSeconds: number;
}

export function sessionTimesOf(policy: SessionPolicy, createdAt: Date, rememberMe: boolean): SessionTimes {
  const lifetime = rememberMe ? policy.rememberMeLifetimeSeconds : policy.absoluteLifetimeSeconds;
  return {
    expiresAt: new Date(createdAt.getTime() + lifetime * 1000),
    // A remember-me session is meant to survive days without use: only its lifetime bounds it.
    idleTimeoutSeconds: rememberMe ? lifetime : Math.min(policy.idleTimeoutSeconds, lifetime),
  };
}

/**
 * Which of a user's active sessions (oldest first) a new one pushes out: beyond `maxSessions`, the
 * oldest go. The new session itself is never among them.
 */
export function sessionsToEvict<T extends { id: string }>(activeOldestFirst: readonly T[], newSessionId: string, maxSessions: number): T[] {
  const others = activeOldestFirst.filter((session) => session.id !== newSessionId);
  const excess = others.length + 1 - maxSessions;
  return excess > 0 ? others.slice(0, excess) : [];
}
