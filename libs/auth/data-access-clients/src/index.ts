export { AddClientDpopNonceRequired1796015136977 } from './lib/client-dpop-nonce.migration';
export { CreateClientRegistry1764000100000 } from './lib/client-registry.migration';

import { AddClientDpopNonceRequired1796015136977 } from './lib/client-dpop-nonce.migration';
import { CreateClientRegistry1764000100000 } from './lib/client-registry.migration';

/** The client registry's migrations (schema `auth`), in order; appended to auth-server's list. */
export const CLIENT_REGISTRY_MIGRATIONS = [CreateClientRegistry1764000100000, AddClientDpopNonceRequired1796015136977];

export {
  ACTIVE_USER_WINDOW_DAYS,
  APP_TYPES,
  CLIENT_STATUSES,
  CLIENT_TYPES,
  SUPPORTED_GRANT_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
} from './lib/client.record';
export type {
  AppType,
  ClientBranding,
  ClientJwks,
  ClientRecord,
  ClientSettings,
  ClientStatistics,
  ClientStatus,
  ClientTokenLifetimes,
  ClientType,
  GrantType,
  TokenEndpointAuthMethod,
} from './lib/client.record';
export { ClientRepository } from './lib/client.repository';
export type { ClientFilter, TenantProtocolOptions } from './lib/client.repository';
export { recordSignIn } from './lib/client-sign-ins';
export type { ClientSignIn } from './lib/client-sign-ins';
export { DirectoryApiKeyClient } from './lib/directory-api-keys.client';
export type { ApiKeyTenant, DirectoryApiKeyClientOptions } from './lib/directory-api-keys.client';
