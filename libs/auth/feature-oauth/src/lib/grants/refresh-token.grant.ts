import { Injectable } from '@nestjs/common';
import { RefreshTokenService } from '@sigma/auth/feature-tokens';
import { requiredParam, scopesOf } from '../http/form-params';
import { asTokenEndpointError, OAuthErrors } from '../oauth-errors';
import { OAuthTokenMinter } from '../tokens/oauth-token-minter.service';
import { OAuthTokenResponse, TokenGrantHandler, TokenGrantRequest } from './token-grant';

/**
 * refresh_token (RFC 6749 §6, OAuth 2.1 §4.3): rotation through feature-tokens' refresh service
 * (each token exchanged once; presenting an exchanged one revokes the family and its session).
 * The token must be the authenticated client's and, when its family is DPoP-bound (public
 * clients), come with a proof of the same key; these refusals revoke nothing. A narrower `scope`
 * may be asked for; the session keeps its original scope.
 */
@Injectable()
export class RefreshTokenGrant implements TokenGrantHandler {
  readonly grantType = 'refresh_token';

  constructor(
    private readonly refreshTokens: RefreshTokenService,
    private readonly minter: OAuthTokenMinter,
  ) {}

  async handle(request: TokenGrantRequest): Promise<OAuthTokenResponse> {
    const { client, tenant } = request;
    const presented = requiredParam(request.params, 'refresh_token');
    const narrowed = scopesOf(request.params['scope']);
    try {
      const rotated = await this.refreshTokens.rotateRefreshToken(
        presented,
        (family) => {
          if (family.clientId !== client.clientId || family.tenantId !== tenant.id) throw OAuthErrors.invalidGrant('the refresh token was issued to another client');
          if (family.dpopJkt !== null && family.dpopJkt !== request.dpopJkt) throw OAuthErrors.invalidGrant('the refresh token is bound to another DPoP key');
          const granted = family.scope.split(' ');
          const wider = (narrowed ?? []).filter((scope) => !granted.includes(scope));
          if (wider.length > 0) throw OAuthErrors.invalidScope(`the refresh token does not cover ${wider.join(' ')}`);
        },
        { context: request.context, refreshLifetimeSeconds: client.tokenLifetimes.refreshToken },
      );
      const family = rotated.family;
      const scope = narrowed === undefined ? family.scope : narrowed.join(' ');
      return await this.minter.forUser({
        tenant: rotated.tenant,
        client,
        claims: rotated.claims,
        grant: { clientId: family.clientId, sessionId: family.id, scope, authTime: Math.floor(family.authTime.getTime() / 1000), amr: family.amr },
        jkt: request.dpopJkt,
        refreshToken: rotated.refreshToken,
      });
    } catch (error) {
      throw asTokenEndpointError(error);
    }
  }
}
