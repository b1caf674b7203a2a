import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { OAuthClientAuthenticator } from './client-auth/client-authenticator.service';
import { DpopProofVerifier } from './dpop/dpop-proof.verifier';
import { ReplayGuard } from './dpop/replay-guard.service';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TokenGrantRegistry } from './grants/token-grant';
import { TokenController } from './grants/token.controller';
import { TokenEndpointService } from './grants/token-endpoint.service';
import { AUTH_OAUTH_OPTIONS, AuthOAuthOptions } from './oauth-options';
import { OAuthTokenMinter } from './tokens/oauth-token-minter.service';

/**
 * The OAuth 2.1 / OpenID Connect protocol endpoints under /oauth, /oauth/v1 and /api/oauth.
 * Global: other modules register grant types (TokenGrantRegistry) and reuse client
 * authentication, DPoP proof verification and token minting. Needs AuthTokensModule and
 * AuthClientsModule (both global) in the service.
 */
@Module({})
export class AuthOAuthModule implements OnModuleInit {
  constructor(
    private readonly grants: TokenGrantRegistry,
    private readonly clientCredentials: ClientCredentialsGrant,
    private readonly refreshToken: RefreshTokenGrant,
  ) {}

  static with(options: AuthOAuthOptions): DynamicModule {
    return {
      module: AuthOAuthModule,
      global: true,
      controllers: [TokenController],
      providers: [
        { provide: AUTH_OAUTH_OPTIONS, useValue: options },
        TokenGrantRegistry,
        ReplayGuard,
        OAuthClientAuthenticator,
        DpopProofVerifier,
        OAuthTokenMinter,
        TokenEndpointService,
        ClientCredentialsGrant,
        RefreshTokenGrant,
      ],
      exports: [AUTH_OAUTH_OPTIONS, TokenGrantRegistry, OAuthClientAuthenticator, DpopProofVerifier, OAuthTokenMinter],
    };
  }

  onModuleInit(): void {
    this.grants.register(this.clientCredentials);
    this.grants.register(this.refreshToken);
  }
}
