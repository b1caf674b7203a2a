import { DynamicModule, Module } from '@nestjs/common';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, CLOCK } from './auth-tokens.options';
import { JwksController } from './jwks/jwks.controller';
import { SigningKeyService } from './signing-keys/signing-key.service';
import { TokenSignerService } from './signing-keys/token-signer.service';
import { TenantLookupService } from './tenants/tenant-lookup.service';

/** Signing keys and JWKS, token issuing, and the direct login APIs of seeds 000 and 004. */
@Module({})
export class AuthTokensModule {
  static with(options: AuthTokensOptions): DynamicModule {
    return {
      module: AuthTokensModule,
      controllers: [JwksController],
      providers: [
        { provide: AUTH_TOKENS_OPTIONS, useValue: options },
        { provide: CLOCK, useValue: () => new Date() },
        TenantLookupService,
        SigningKeyService,
        TokenSignerService,
      ],
    };
  }
}
