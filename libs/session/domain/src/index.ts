export { deviceInfoOf } from './lib/device-info';
export type { DeclaredDevice, DeviceInfo } from './lib/device-info';
export { SessionErrors } from './lib/session.errors';
export { resolveSessionPolicy, sessionsToEvict, sessionTimesOf } from './lib/session-policy';
export type { SessionPolicy, SessionPolicyOverride, SessionTimes } from './lib/session-policy';
export { idleExpiryOf, sessionStateOf, timeoutReasonOf } from './lib/session-state';
export type { SessionClock, SessionRevocationReason, SessionState } from './lib/session-state';
