import { DynamicModule, Module } from '@nestjs/common';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, CLOCK } from './auth-tokens.options';
import { AuthHousekeepingService } from './housekeeping/auth-housekeeping.service';
import { TokenIssuerService } from './issuing/token-issuer.service';
import { JwksController } from './jwks/jwks.controller';
import { DirectLoginController } from './login/direct-login.controller';
import { LoginChallenges } from './login/login-challenge';
import { LoginCompletionService } from './login/login-completion.service';
import { MfaStepService } from './login/mfa-step.service';
import { PasswordLoginService } from './login/password-login.service';
import { RefreshTokenService } from './refresh/refresh-token.service';
import { TokenRefreshController } from './refresh/token-refresh.controller';
import { LoginSessionService } from './sessions/login-session.service';
import { SigningKeyService } from './signing-keys/signing-key.service';
import { TokenSignerService } from './signing-keys/token-signer.service';
import { TenantLookupService } from './tenants/tenant-lookup.service';

/** Signing keys and JWKS, token issuing, and the direct login APIs of seeds 000 and 004. */
@Module({})
export class AuthTokensModule {
  static with(options: AuthTokensOptions): DynamicModule {
    return {
      module: AuthTokensModule,
      // Global: the OAuth endpoints and the other login features (login APIs, passkeys, social) reuse these services.
      global: true,
      controllers: [JwksController, DirectLoginController, TokenRefreshController],
      providers: [
        { provide: AUTH_TOKENS_OPTIONS, useValue: options },
        { provide: CLOCK, useValue: () => new Date() },
        TenantLookupService,
        SigningKeyService,
        TokenSignerService,
        TokenIssuerService,
        LoginSessionService,
        LoginCompletionService,
        LoginChallenges,
        MfaStepService,
        PasswordLoginService,
        RefreshTokenService,
        AuthHousekeepingService,
      ],
      // Other login methods (passkeys, login APIs, ...) finish their logins through LoginCompletionService and MfaStepService.
      exports: [
        AUTH_TOKENS_OPTIONS,
        CLOCK,
        TenantLookupService,
        SigningKeyService,
        TokenSignerService,
        TokenIssuerService,
        LoginSessionService,
        LoginCompletionService,
        MfaStepService,
        RefreshTokenService,
        LoginChallenges,
      ],
    };
  }
}
