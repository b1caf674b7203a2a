import { DynamicModule, Module } from '@nestjs/common';
import { AdminAuthController } from './admin-auth/admin-auth.controller';
import { AdminAuthService } from './admin-auth/admin-auth.service';
import { ContextualTokenService } from './contextual-tokens/contextual-token.service';
import { ContextualTokensController } from './contextual-tokens/contextual-tokens.controller';
import { LOGIN_APIS_OPTIONS, LoginApisOptions } from './login-apis.options';
import { TenantAuthController } from './tenant-auth/tenant-auth.controller';
import { TenantAuthService } from './tenant-auth/tenant-auth.service';

/**
 * Seed 002's action-style authentication, seed 003's API-key tokens and seed 001's QR contextual
 * tokens. Needs AuthTokensModule, AuthClientsModule and AccessTokenModule in the service (all global).
 */
@Module({})
export class AuthLoginApisModule {
  static with(options: LoginApisOptions): DynamicModule {
    return {
      module: AuthLoginApisModule,
      controllers: [AdminAuthController, TenantAuthController, ContextualTokensController],
      providers: [{ provide: LOGIN_APIS_OPTIONS, useValue: options }, AdminAuthService, TenantAuthService, ContextualTokenService],
    };
  }
}
