/**
 * The OAuth client registry of auth-server (issue 4, "Clients").
 *
 * Wiring: `AuthClientsModule.with({ userDirectoryUrl, directoryTimeoutMs })` in auth-server's root
 * module (global: ClientRegistry is injectable everywhere) and `CLIENT_REGISTRY_MIGRATIONS`
 * (from @sigma/auth/data-access-clients) appended to the service's migrations.
 *
 * API for the protocol endpoints (token, authorize, PAR, device, introspection):
 * - `ClientRegistry.findActiveByClientId(tenantId | undefined, clientId)`: the active client with every
 *   setting (ClientRecord: redirectUris, allowedGrantTypes, allowedScopes, allowedOrigins, tokenLifetimes
 *   (null = tenant default), tokenEndpointAuthMethod, jwks/jwksUri, requirePkce, allowPlainPkce, dpopBound,
 *   requirePar, fapi2, allowImplicit, firstParty, branding, settings), or undefined when unknown, not
 *   active, or of another tenant than the one given.
 * - `clientAuthenticationOf({authorization, body})`: which client authentication a token request uses
 *   (Basic with form-urlencoded parts, client_secret_post, private_key_jwt assertion, or a bare client_id);
 *   more than one method is invalid_request.
 * - `ClientRegistry.authenticate(tenantId | undefined, presented)` / `authenticateClient(client, presented)`:
 *   the registered method must be used, the client must be active, secrets are compared as SHA-256
 *   hashes in constant time (unknown clients cost the same); failures are INVALID_CREDENTIALS with
 *   oauthError invalid_client. private_key_jwt assertions are refused until their verification exists.
 * - `recordSignIn(manager, {tenantId, clientId, userId})`: call once per completed sign-in (after any
 *   second factor), inside the login's transaction when there is one; it feeds seed 002's statistics.
 * - FAPI 2.0 clients get `FAPI2_AUTHORIZATION_CODE_TTL_SECONDS` (60 s) authorization codes.
 */
export { AuthClientsModule } from './lib/auth-clients.module';
export type { AuthClientsModuleOptions } from './lib/auth-clients.module';
export { authenticateClient, clientAuthenticationOf, JWT_BEARER_ASSERTION_TYPE } from './lib/client-authentication';
export type { ClientCredentialSources, PresentedClientAuthentication } from './lib/client-authentication';
export { FAPI2_AUTHORIZATION_CODE_TTL_SECONDS } from './lib/client-registration';
export { ClientRegistry } from './lib/client-registry.service';
export { ApiKeyTenantOf, TenantApiKey, TenantApiKeyGuard } from './lib/tenant-api-key.guard';
export type { ApiKeySource } from './lib/tenant-api-key.guard';
export type { ListedClient, RegisteredClient } from './lib/client-registry.service';
export { CLIENT_REGISTRY_MIGRATIONS, recordSignIn } from '@sigma/auth/data-access-clients';
export type { ApiKeyTenant, ClientRecord, ClientSignIn, GrantType, TokenEndpointAuthMethod } from '@sigma/auth/data-access-clients';
