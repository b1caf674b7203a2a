export { DirectoryClientSettings } from './lib/directory-client.settings';
export {
  AddWebauthnCredentialRequest,
  DIRECTORY_INTERNAL_ROUTES,
  FederatedLoginRequest,
  IdentifierUserRequest,
  MAX_WEBAUTHN_COUNTER,
  RecordWebauthnUseRequest,
  RegisterUserRequest,
  VerifyApiKeyRequest,
  VerifyPasswordRequest,
  VerifySecondFactorRequest,
  WEBAUTHN_DEVICE_TYPES,
  WEBAUTHN_TRANSPORTS,
} from './lib/directory-internal-api';
export type {
  ApiKeyTenantResponse,
  FederatedLoginResponse,
  IdentifierUserResponse,
  IdentityClaims,
  IdentityResponse,
  TenantResponse,
  TenantTokenLifetimes,
  WebauthnCredentialListResponse,
  WebauthnCredentialResponse,
  WebauthnDeviceType,
  WebauthnTransport,
} from './lib/directory-internal-api';
export {
  ApplicationSessionPolicyRequest,
  CreateSessionRequest,
  INTERNAL_REVOCATION_REASONS,
  RevocationFeedQuery,
  RevokeSessionRequest,
  SESSION_INTERNAL_ROUTES,
  SessionDeviceRequest,
  SessionStatusQuery,
  SignInRevocationQuery,
  TouchSessionRequest,
} from './lib/session-internal-api';
export type { InternalRevocationReason, RevocationEntry, RevocationFeedResponse, SessionState, SessionStatusResponse, SignInRevocationResponse } from './lib/session-internal-api';
export { AUTH_INTERNAL_ROUTES } from './lib/auth-internal-api';
export type { AllowedOriginsResponse } from './lib/auth-internal-api';
