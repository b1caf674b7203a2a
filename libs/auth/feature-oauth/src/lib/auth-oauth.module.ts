import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { OAuthClientAuthenticator } from './client-auth/client-authenticator.service';
import { coreMetadata } from './discovery/core-metadata';
import { DiscoveryMetadataRegistry } from './discovery/discovery-metadata.registry';
import { DiscoveryController } from './discovery/discovery.controller';
import { DpopProofVerifier } from './dpop/dpop-proof.verifier';
import { OAuthHousekeepingService } from './dpop/oauth-housekeeping.service';
import { ReplayGuard } from './dpop/replay-guard.service';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TokenGrantRegistry } from './grants/token-grant';
import { TokenController } from './grants/token.controller';
import { TokenEndpointService } from './grants/token-endpoint.service';
import { IntrospectionController } from './introspection/introspection.controller';
import { IntrospectionService } from './introspection/introspection.service';
import { IssuedTokenReader } from './introspection/issued-token-reader.service';
import { RevocationService } from './introspection/revocation.service';
import { UserinfoController } from './introspection/userinfo.controller';
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
    private readonly discovery: DiscoveryMetadataRegistry,
  ) {}

  static with(options: AuthOAuthOptions): DynamicModule {
    return {
      module: AuthOAuthModule,
      global: true,
      controllers: [TokenController, IntrospectionController, UserinfoController, DiscoveryController],
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
        DiscoveryMetadataRegistry,
        IssuedTokenReader,
        IntrospectionService,
        RevocationService,
        OAuthHousekeepingService,
      ],
      exports: [AUTH_OAUTH_OPTIONS, TokenGrantRegistry, DiscoveryMetadataRegistry, OAuthClientAuthenticator, DpopProofVerifier, OAuthTokenMinter, IssuedTokenReader],
    };
  }

  onModuleInit(): void {
    this.grants.register(this.clientCredentials);
    this.grants.register(this.refreshToken);
    this.discovery.contribute(coreMetadata(this.grants));
  }
}
