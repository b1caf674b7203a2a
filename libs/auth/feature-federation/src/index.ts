/**
 * Social login and SSO providers (issue 5): per-tenant upstream providers (presets for google,
 * github, microsoft, facebook, linkedin; any OpenID Connect or OAuth 2.0 provider), seed 002's
 * /api/admin/identity/sso-providers and /api/admin/identity/sso, seed 000's /api/v1/auth/social.
 *
 * Wiring: `AuthFederationModule.with({ publicUrl, secretBox, directory })` in auth-server's root
 * module and `FEDERATION_MIGRATIONS` (from @sigma/auth/data-access-federation) in its migrations.
 * For the login page: `SsoProvidersService.list(tenantId, true)` names the enabled providers.
 */
export { AuthFederationModule } from './lib/auth-federation.module';
export type { FederationOptions } from './lib/federation.options';
export { FederatedSignInService } from './lib/sign-in/federated-sign-in.service';
export { SsoProvidersService } from './lib/providers/sso-providers.service';
export { FEDERATION_MIGRATIONS } from '@sigma/auth/data-access-federation';
