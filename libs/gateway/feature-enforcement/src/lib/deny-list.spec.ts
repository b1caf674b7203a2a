import { DenyList } from './deny-list';

describe('DenyList', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');
  const seconds = (ms: number) => Math.floor(ms / 1000);

  it('refuses every token of a revoked session, and nothing else', () => {
    const list = new DenyList(3600);
    expect(list.add({ kind: 'session', sessionId: 's1', revokedAt: now }, now)).toBe(true);
    expect(list.reasonToRefuse({ sessionId: 's1', userId: 'u1', issuedAt: seconds(now) + 10 })).toBe('session_revoked');
    expect(list.reasonToRefuse({ sessionId: 's2', userId: 'u1', issuedAt: seconds(now) })).toBeUndefined();
    expect(list.reasonToRefuse({ userId: 'u1', issuedAt: seconds(now) })).toBeUndefined();
  });

  it('refuses tokens of a revoked subject issued until the revocation, not later ones', () => {
    const list = new DenyList(3600);
    list.add({ kind: 'subject', userId: 'u1', revokedAt: now }, now);
    expect(list.reasonToRefuse({ userId: 'u1', sessionId: 'any', issuedAt: seconds(now) - 60 })).toBe('subject_revoked');
    expect(list.reasonToRefuse({ userId: 'u1', issuedAt: seconds(now) + 1 })).toBeUndefined();
    expect(list.reasonToRefuse({ userId: 'u2', issuedAt: seconds(now) - 60 })).toBeUndefined();
  });

  it('is idempotent and keeps the latest subject revocation', () => {
    const list = new DenyList(3600);
    list.add({ kind: 'subject', userId: 'u1', revokedAt: now }, now);
    list.add({ kind: 'subject', userId: 'u1', revokedAt: now - 5000 }, now);
    list.add({ kind: 'session', sessionId: 's1', revokedAt: now }, now);
    list.add({ kind: 'session', sessionId: 's1', revokedAt: now }, now);
    expect(list.size).toEqual({ sessions: 1, subjects: 1 });
    expect(list.reasonToRefuse({ userId: 'u1', issuedAt: seconds(now) - 2 })).toBe('subject_revoked');
  });

  it('ignores revocations older than the retention and forgets entries once it passes', () => {
    const list = new DenyList(60);
    expect(list.add({ kind: 'session', sessionId: 'old', revokedAt: now - 61_000 }, now)).toBe(false);
    list.add({ kind: 'session', sessionId: 's1', revokedAt: now }, now);
    list.sweep(now + 30_000);
    expect(list.size.sessions).toBe(1);
    list.sweep(now + 60_000);
    expect(list.size.sessions).toBe(0);
  });
});
