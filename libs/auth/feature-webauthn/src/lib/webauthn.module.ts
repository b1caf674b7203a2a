import { DynamicModule, Module } from '@nestjs/common';
import { WebauthnChallengeService } from './ceremonies/webauthn-challenge.service';
import { PasskeyRegistrationService } from './ceremonies/passkey-registration.service';
import { PasskeySignInService } from './ceremonies/passkey-sign-in.service';
import { WebauthnController } from './ceremonies/webauthn.controller';
import { WebauthnHousekeepingService } from './ceremonies/webauthn-housekeeping.service';
import { PasskeyPagesController } from './pages/passkey-pages.controller';
import { WEBAUTHN_OPTIONS, WebauthnOptions } from './webauthn.options';

/**
 * Passkeys: seed 001's WebAuthn routes and the passkeys page. Needs AuthTokensModule (global) in
 * the service: sign-ins finish through its login completion, and the directory client comes from
 * its options.
 */
@Module({})
export class WebauthnModule {
  static with(options: WebauthnOptions): DynamicModule {
    return {
      module: WebauthnModule,
      controllers: [WebauthnController, PasskeyPagesController],
      providers: [{ provide: WEBAUTHN_OPTIONS, useValue: options }, WebauthnChallengeService, PasskeyRegistrationService, PasskeySignInService, WebauthnHousekeepingService],
    };
  }
}
