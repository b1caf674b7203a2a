import { SIGNING_ALGORITHMS } from '@sigma/shared/util-auth';
import { CLIENT_ASSERTION_ALGORITHMS } from '../client-auth/client-authenticator.service';
import { DPOP_ALGORITHMS } from '../dpop/dpop-proof.verifier';
import type { TokenGrantRegistry } from '../grants/token-grant';
import type { DiscoveryContribution } from './discovery-metadata.registry';

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

/** The members this module's endpoints stand for; grant types are whatever handlers are registered. */
export function coreMetadata(grants: TokenGrantRegistry): DiscoveryContribution {
  return ({ issuer, tenantId, publicUrl }) => ({
    issuer,
    jwks_uri: `${publicUrl}/.well-known/jwks.json?tenant_id=${tenantId}`,
    token_endpoint: `${publicUrl}/oauth/token`,
    introspection_endpoint: `${publicUrl}/oauth/introspect`,
    revocation_endpoint: `${publicUrl}/oauth/revoke`,
    userinfo_endpoint: `${publicUrl}/oauth/userinfo`,
    grant_types_supported: grants.grantTypes(),
    response_types_supported: [],
    // offline_access is accepted and shown at consent; refresh tokens follow the client's refresh_token grant (ADR 12).
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
    dpop_signing_alg_values_supported: [...DPOP_ALGORITHMS],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'sid', 'tid', 'at_hash', 'preferred_username', 'name', 'given_name', 'family_name', 'updated_at', 'email', 'email_verified'],
    authorization_response_iss_parameter_supported: true,
  });
}
