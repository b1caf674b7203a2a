import { DynamicModule, Module } from '@nestjs/common';
import { WebauthnChallengeService } from './ceremonies/webauthn-challenge.service';
import { PasskeyRegistrationService } from './ceremonies/passkey-registration.service';
import { PasskeySignInService } from './ceremonies/passkey-sign-in.service';
import { WebauthnController } from './ceremonies/webauthn.controller';
import { WebauthnHousekeepingService } from './ceremonies/webauthn-housekeeping.service';
import { PasskeyLoginController } from './login-page/passkey-login.controller';
import { PasskeyLoginMethod } from './login-page/passkey-login.method';
import { PasskeyPagesController } from './pages/passkey-pages.controller';
import { WEBAUTHN_OPTIONS, WebauthnOptions } from './webauthn.options';

/**
 * Passkeys: seed 001's WebAuthn routes, the passkeys page, and the passkey step of the
 * authorization endpoint's login page. Needs AuthTokensModule and AuthorizeModule (both global) in
 * the service: direct sign-ins finish through the login completion, login-page sign-ins through
 * the authorization flow, and the directory client comes from the token options.
 */
@Module({})
export class WebauthnModule {
  static with(options: WebauthnOptions): DynamicModule {
    return {
      module: WebauthnModule,
      controllers: [WebauthnController, PasskeyPagesController, PasskeyLoginController],
      providers: [{ provide: WEBAUTHN_OPTIONS, useValue: options }, WebauthnChallengeService, PasskeyRegistrationService, PasskeySignInService, WebauthnHousekeepingService, PasskeyLoginMethod],
    };
  }
}
