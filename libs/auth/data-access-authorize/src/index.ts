import { CreateAuthorizeTables1796004417079 } from './lib/authorize.migration';

export { AuthorizationCodeRepository } from './lib/authorization-code.repository';
export type { AuthorizationCode, CodeRedemption } from './lib/authorization-code.repository';
export type { AuthorizationRequest, DeviceApprovalRequest } from './lib/authorization-request';
export { BrowserSessionRepository } from './lib/browser-session.repository';
export type { BrowserSession } from './lib/browser-session.repository';
export { ConsentRepository } from './lib/consent.repository';
export { DeviceAuthorizationRepository } from './lib/device-authorization.repository';
export type { DeviceAuthorization, DeviceStatus } from './lib/device-authorization.repository';
export { PendingAuthorizationRepository } from './lib/pending-authorization.repository';
export type { PendingAuthorization } from './lib/pending-authorization.repository';
export { PushedRequestRepository } from './lib/pushed-request.repository';
export { purgeExpiredAuthorizeState } from './lib/purge';

/** The authorization endpoint's migrations (schema `auth`), appended to auth-server's list. */
export const AUTHORIZE_MIGRATIONS = [CreateAuthorizeTables1796004417079];
