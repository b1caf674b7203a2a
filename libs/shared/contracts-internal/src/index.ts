export { DIRECTORY_INTERNAL_ROUTES, VerifyApiKeyRequest, VerifyPasswordRequest, VerifySecondFactorRequest } from './lib/directory-internal-api';
export type { ApiKeyTenantResponse, IdentityClaims, IdentityResponse, TenantResponse, TenantTokenLifetimes } from './lib/directory-internal-api';
