import { resolveDirectLoginClient } from './first-party-client';
import { judgeRefreshToken } from './refresh-token-state';

describe('judgeRefreshToken', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const later = new Date(now.getTime() + 1000);
  const earlier = new Date(now.getTime() - 1000);

  it('accepts an unrotated, unexpired token of a live family', () => {
    expect(judgeRefreshToken({ expiresAt: later, rotatedAt: null, familyRevokedAt: null }, now)).toBe('usable');
  });

  it('calls a rotated token reuse, even when it has expired since', () => {
    expect(judgeRefreshToken({ expiresAt: earlier, rotatedAt: earlier, familyRevokedAt: null }, now)).toBe('reused');
  });

  it('refuses tokens of revoked families and expired tokens', () => {
    expect(judgeRefreshToken({ expiresAt: later, rotatedAt: earlier, familyRevokedAt: earlier }, now)).toBe('revoked');
    expect(judgeRefreshToken({ expiresAt: now, rotatedAt: null, familyRevokedAt: null }, now)).toBe('expired');
  });
});

describe('resolveDirectLoginClient', () => {
  it('uses the first-party client when none is named and refuses any other', () => {
    expect(resolveDirectLoginClient(undefined)).toBe('sigma-iam');
    expect(resolveDirectLoginClient('sigma-iam')).toBe('sigma-iam');
    expect(() => resolveDirectLoginClient('other-app')).toThrow(expect.objectContaining({ details: [expect.objectContaining({ field: 'client_id' })] }));
  });
});
