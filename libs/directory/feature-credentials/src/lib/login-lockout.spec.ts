import { CLIENT_IP_LOCKOUT, FailureThrottle, LOGIN_LOCKOUT } from './login-lockout';

describe('FailureThrottle', () => {
  it('locks an identifier like an account: 30 s at the 5th failure, doubling after, capped', () => {
    let now = 1_000_000;
    const throttle = new FailureThrottle(LOGIN_LOCKOUT, 100, () => now);
    for (let i = 0; i < 4; i++) throttle.recordFailure('t:ghost');
    expect(throttle.secondsLocked('t:ghost')).toBe(0);
    throttle.recordFailure('t:ghost');
    expect(throttle.secondsLocked('t:ghost')).toBe(30);
    expect(throttle.secondsLocked('t:other')).toBe(0);
    now += 31_000;
    expect(throttle.secondsLocked('t:ghost')).toBe(0);
    throttle.recordFailure('t:ghost');
    expect(throttle.secondsLocked('t:ghost')).toBe(60);
    for (let i = 0; i < 20; i++) throttle.recordFailure('t:ghost');
    expect(throttle.secondsLocked('t:ghost')).toBe(900);
  });

  it('keeps at most its capacity of identifiers, forgetting the oldest', () => {
    const throttle = new FailureThrottle(LOGIN_LOCKOUT, 2, () => 0);
    for (let i = 0; i < 5; i++) throttle.recordFailure('a');
    throttle.recordFailure('b');
    throttle.recordFailure('c');
    expect(throttle.secondsLocked('a')).toBe(0);
  });

  it('starts a new count when failures are more than 15 minutes apart', () => {
    let now = 0;
    const throttle = new FailureThrottle(CLIENT_IP_LOCKOUT, 100, () => now);
    for (let i = 0; i < 19; i++) throttle.recordFailure('203.0.113.9');
    now += 16 * 60_000;
    throttle.recordFailure('203.0.113.9');
    expect(throttle.secondsLocked('203.0.113.9')).toBe(0);
    for (let i = 0; i < 18; i++) throttle.recordFailure('203.0.113.9');
    expect(throttle.secondsLocked('203.0.113.9')).toBe(0);
    throttle.recordFailure('203.0.113.9');
    expect(throttle.secondsLocked('203.0.113.9')).toBe(30);
  });
});
