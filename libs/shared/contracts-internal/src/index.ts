export { DIRECTORY_INTERNAL_ROUTES, VerifyApiKeyRequest, VerifyPasswordRequest, VerifySecondFactorRequest } from './lib/directory-internal-api';
export type { ApiKeyTenantResponse, IdentityClaims, IdentityResponse, TenantResponse, TenantTokenLifetimes } from './lib/directory-internal-api';
export {
  ApplicationSessionPolicyRequest,
  CreateSessionRequest,
  INTERNAL_REVOCATION_REASONS,
  RevocationFeedQuery,
  RevokeSessionRequest,
  SESSION_INTERNAL_ROUTES,
  SessionDeviceRequest,
  SessionStatusQuery,
  TouchSessionRequest,
} from './lib/session-internal-api';
export type { InternalRevocationReason, RevocationEntry, RevocationFeedResponse, SessionState, SessionStatusResponse } from './lib/session-internal-api';
