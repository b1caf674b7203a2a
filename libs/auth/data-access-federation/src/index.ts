import { FederationLoginChallenge1796007331962 } from './lib/federation-login-challenge.migration';
import { CreateFederation1796004300000 } from './lib/federation.migration';

export { FederationLoginChallenge1796007331962 } from './lib/federation-login-challenge.migration';
export { CreateFederation1796004300000 } from './lib/federation.migration';
export { SsoLoginRepository } from './lib/sso-login.repository';
export type { SsoFlow, SsoLoginCode, SsoLoginState } from './lib/sso-login.repository';
export { clientSecretContextOf, PROVIDER_TYPES, UPSTREAM_AUTH_METHODS } from './lib/sso-provider.record';
export type { ClaimMapping, ProviderType, SsoProviderRecord, UpstreamAuthMethod, UpstreamEndpoints } from './lib/sso-provider.record';
export { isDuplicateProviderKey, SsoProviderRepository } from './lib/sso-provider.repository';

/** Federation's migrations (schema `auth`), in order; appended to auth-server's list. */
export const FEDERATION_MIGRATIONS = [CreateFederation1796004300000, FederationLoginChallenge1796007331962];
