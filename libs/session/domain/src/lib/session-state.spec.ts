import { idleExpiryOf, sessionStateOf, timeoutReasonOf } from './session-state';

const at = (iso: string) => new Date(iso);
const session = { revokedAt: null, expiresAt: at('2026-01-08T00:00:00Z'), lastActivityAt: at('2026-01-01T10:00:00Z'), idleTimeoutSeconds: 3600 };

describe('session state', () => {
  it('is active until the idle timeout after the last activity, then idle', () => {
    expect(sessionStateOf(session, at('2026-01-01T10:59:59Z'))).toBe('active');
    expect(sessionStateOf(session, at('2026-01-01T11:00:00Z'))).toBe('idle');
    expect(timeoutReasonOf('idle')).toBe('idle_timeout');
  });

  it('is expired at its absolute end however recent the activity, and revoked once revoked', () => {
    const busy = { ...session, lastActivityAt: at('2026-01-07T23:59:00Z') };
    expect(sessionStateOf(busy, at('2026-01-08T00:00:00Z'))).toBe('expired');
    expect(idleExpiryOf(busy)).toEqual(at('2026-01-08T00:00:00Z'));
    expect(timeoutReasonOf('expired')).toBe('expired');
    expect(sessionStateOf({ ...busy, revokedAt: at('2026-01-02T00:00:00Z') }, at('2026-01-09T00:00:00Z'))).toBe('revoked');
    expect(timeoutReasonOf('revoked')).toBeUndefined();
  });
});
