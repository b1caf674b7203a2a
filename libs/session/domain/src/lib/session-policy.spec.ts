import { resolveSessionPolicy, sessionsToEvict, sessionTimesOf, SessionPolicy } from './session-policy';

const DEFAULTS: SessionPolicy = { idleTimeoutSeconds: 86400, absoluteLifetimeSeconds: 604800, rememberMeLifetimeSeconds: 2592000, maxSessions: 50 };

describe('session policy', () => {
  it('lets the tenant override the defaults and the application override the tenant, field by field', () => {
    const policy = resolveSessionPolicy(DEFAULTS, { idleTimeoutSeconds: 3600, maxSessions: 10 }, undefined, { maxSessions: 2 });
    expect(policy).toEqual({ idleTimeoutSeconds: 3600, absoluteLifetimeSeconds: 604800, rememberMeLifetimeSeconds: 2592000, maxSessions: 2 });
    expect(DEFAULTS.maxSessions).toBe(50);
  });

  it('bounds a session by its absolute lifetime, or by the remember-me lifetime without a shorter idle timeout', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    expect(sessionTimesOf(DEFAULTS, created, false)).toEqual({ expiresAt: new Date('2026-01-08T00:00:00Z'), idleTimeoutSeconds: 86400 });
    expect(sessionTimesOf(DEFAULTS, created, true)).toEqual({ expiresAt: new Date('2026-01-31T00:00:00Z'), idleTimeoutSeconds: 2592000 });
    expect(sessionTimesOf({ ...DEFAULTS, absoluteLifetimeSeconds: 600 }, created, false).idleTimeoutSeconds).toBe(600);
  });

  it('evicts the oldest sessions beyond the maximum, never the new one', () => {
    const active = [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'new' }];
    expect(sessionsToEvict(active, 'new', 2)).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(sessionsToEvict(active, 'new', 4)).toEqual([]);
    expect(sessionsToEvict(active, 'new', 1)).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
  });
});
