import { DynamicModule, Module } from '@nestjs/common';
import { FEDERATION_OPTIONS, type FederationOptions } from './federation.options';
import { FederationHousekeepingService } from './federation-housekeeping.service';
import { SsoProvidersController } from './providers/sso-providers.controller';
import { SsoProvidersService } from './providers/sso-providers.service';
import { AdminSsoController } from './sign-in/admin-sso.controller';
import { FederatedSignInService } from './sign-in/federated-sign-in.service';
import { SocialLoginButtons } from './sign-in/social-login-buttons';
import { SocialLoginController } from './sign-in/social-login.controller';
import { UpstreamClientService } from './upstream/upstream-client.service';

/**
 * Social login and SSO through upstream providers (issue 5): seed 002's provider management and
 * SSO endpoints, seed 000's social redirect flow. Needs AuthTokensModule (login completion),
 * AuthClientsModule (ClientRegistry), AuthorizeModule (the login page's buttons, finishing its pending
 * authorizations) and AccessTokenModule in the service.
 */
@Module({})
export class AuthFederationModule {
  static with(options: FederationOptions): DynamicModule {
    return {
      module: AuthFederationModule,
      controllers: [SsoProvidersController, AdminSsoController, SocialLoginController],
      providers: [{ provide: FEDERATION_OPTIONS, useValue: options }, SsoProvidersService, UpstreamClientService, FederatedSignInService, FederationHousekeepingService, SocialLoginButtons],
      exports: [FederatedSignInService, SsoProvidersService],
    };
  }
}
