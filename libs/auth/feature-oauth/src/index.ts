/**
 * The OAuth 2.1 / OpenID Connect protocol endpoints of auth-server (issue 4): token endpoint,
 * discovery, introspection, revocation, userinfo; under /oauth, /oauth/v1 and /api/oauth.
 *
 * Wiring: `AuthOAuthModule.with({ publicUrl, nonceSecret, requireDpopNonce })` in auth-server's root
 * module (global), with OAuthSettings among the service's settings.
 *
 * For other protocol modules (authorization code, device flow, PAR):
 * - `TokenGrantRegistry.register(handler)`: a `TokenGrantHandler` for a `grant_type`; the token
 *   endpoint authenticates the client, checks the client may use the grant type, verifies the DPoP
 *   proof and passes `{client, tenant, params, dpopJkt, context}`.
 * - `OAuthClientAuthenticator.authenticate(sources, tenantHint, endpoint, path)`: client
 *   authentication (secrets, private_key_jwt, none) for any endpoint (PAR: endpoint 'par').
 * - `DpopProofVerifier.verify(proof, {method, urls: dpopUrlsOf(publicUrl, req), accessToken?, nonceRequired})` → `{jkt}`;
 *   `requiresDpopNonce(client, options)` says whether the client must send server nonces.
 * - `OAuthTokenMinter`: `startSession` (a login session with its first tokens), `forUser`, `forClient`.
 * - `DiscoveryMetadataRegistry.contribute(context => ({authorization_endpoint: ..., response_types_supported: ['code']}))`:
 *   members of the discovery document (arrays merge), so it lists only what exists.
 * - `IssuedTokenReader.liveAccessToken(token)`: a live access token's caller (verified, not revoked, session active).
 * - `OAuthErrors`, `DpopNonceRequired`, `withDpopNonce`: the family's refusals.
 * - `installTokenFastPath(app, {bodyLimitBytes, observer})`: for the service shell's `beforeBodyParsers` hook; serves the
 *   token endpoint ahead of Express's router, the body parsers and Nest (ADR 11).
 */
export { AuthOAuthModule } from './lib/auth-oauth.module';
export { CLIENT_ASSERTION_ALGORITHMS, OAuthClientAuthenticator } from './lib/client-auth/client-authenticator.service';
export type { AuthenticatedClient } from './lib/client-auth/client-authenticator.service';
export { DiscoveryMetadataRegistry } from './lib/discovery/discovery-metadata.registry';
export type { DiscoveryContext, DiscoveryContribution } from './lib/discovery/discovery-metadata.registry';
export { DPOP_ALGORITHMS, DpopProofVerifier } from './lib/dpop/dpop-proof.verifier';
export type { DpopExpectation, VerifiedDpopProof } from './lib/dpop/dpop-proof.verifier';
export { DpopNonces } from './lib/dpop/dpop-nonces';
export { dpopUrlsOf } from './lib/dpop/dpop-target';
export { TokenGrantRegistry } from './lib/grants/token-grant';
export type { OAuthTokenResponse, TokenGrantHandler, TokenGrantRequest } from './lib/grants/token-grant';
export { requiresDpopNonce, tenantHintOf } from './lib/grants/token-endpoint.service';
export { installTokenFastPath } from './lib/grants/token-fast-path';
export { formParamsOf, requiredParam, scopesOf } from './lib/http/form-params';
export type { FormParams } from './lib/http/form-params';
export { queryStringOf, requireFormBody, withDpopNonce } from './lib/http/oauth-request';
export { IssuedTokenReader } from './lib/introspection/issued-token-reader.service';
export type { LiveAccessToken, LiveRefreshToken } from './lib/introspection/issued-token-reader.service';
export { AUTH_OAUTH_OPTIONS, endpointUrl, OAUTH_PREFIXES, publicUrlOf, underEveryPrefix } from './lib/oauth-options';
export type { AuthOAuthOptions } from './lib/oauth-options';
export { asTokenEndpointError, DpopNonceRequired, OAuthErrors } from './lib/oauth-errors';
export { OAuthSettings } from './lib/oauth.settings';
export { OAuthTokenMinter } from './lib/tokens/oauth-token-minter.service';
export type { ClientTokenRequest, NewSessionRequest, UserTokenRequest } from './lib/tokens/oauth-token-minter.service';
