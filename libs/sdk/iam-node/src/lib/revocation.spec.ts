import type { VerifiedToken } from '@sigma/iam-js';
import { DenyList } from './revocation';

const NOW = Math.floor(Date.now() / 1000);

function claims(overrides: Partial<VerifiedToken> = {}): VerifiedToken {
  return { sub: 'user-1', iss: 'i', aud: 'a', exp: NOW + 900, iat: NOW - 10, jti: 'j', client_id: 'c', tid: 't', sid: 'session-1', ...overrides };
}

describe('DenyList', () => {
  it("refuses every token of a revoked session, and only that session's", () => {
    const list = new DenyList();
    expect(list.isRevoked('t', claims())).toBe(false);
    list.revokeSession('SESSION-1');
    expect(list.isRevoked('t', claims())).toBe(true);
    expect(list.isRevoked('t', claims({ sid: 'session-2' }))).toBe(false);
    expect(list.isRevoked('t', claims({ sid: undefined }))).toBe(false);
  });

  it("refuses a user's tokens issued before the subject revocation, not those issued after", () => {
    const list = new DenyList();
    list.revokeSubject('user-1', new Date((NOW - 5) * 1000));
    expect(list.isRevoked('t', claims({ iat: NOW - 10 }))).toBe(true);
    expect(list.isRevoked('t', claims({ iat: NOW }))).toBe(false);
    expect(list.isRevoked('t', claims({ sub: 'user-2', iat: NOW - 10 }))).toBe(false);
  });

  it('forgets entries after the retention time and keeps at most maxEntries', () => {
    const expiring = new DenyList({ retentionMs: -1 });
    expiring.revokeSession('session-1');
    expect(expiring.isRevoked('t', claims())).toBe(false);
    const bounded = new DenyList({ maxEntries: 1 });
    bounded.revokeSession('session-1');
    bounded.revokeSession('session-2');
    expect(bounded.isRevoked('t', claims())).toBe(false);
    expect(bounded.isRevoked('t', claims({ sid: 'session-2' }))).toBe(true);
  });
});
