import { Injectable } from '@nestjs/common';
import { scopesOf } from '../http/form-params';
import { OAuthErrors } from '../oauth-errors';
import { OAuthTokenMinter } from '../tokens/oauth-token-minter.service';
import { OAuthTokenResponse, TokenGrantHandler, TokenGrantRequest } from './token-grant';

/** Scopes about a user; a client acting for itself has none to grant. */
const USER_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

/**
 * client_credentials (RFC 6749 §4.4): a confidential client's own access token. The scope is the
 * requested one, every value of which the client must be allowed (else invalid_scope), or without
 * a request all of the client's scopes; user scopes (openid, profile, email, offline_access) are
 * never granted here. No refresh token (§4.4.3).
 */
@Injectable()
export class ClientCredentialsGrant implements TokenGrantHandler {
  readonly grantType = 'client_credentials';

  constructor(private readonly minter: OAuthTokenMinter) {}

  handle(request: TokenGrantRequest): Promise<OAuthTokenResponse> {
    const { client } = request;
    if (client.clientType !== 'confidential') throw OAuthErrors.unauthorizedClient('client_credentials is for confidential clients');
    const grantable = client.allowedScopes.filter((scope) => !USER_SCOPES.includes(scope));
    const requested = scopesOf(request.params['scope']);
    const refused = (requested ?? []).filter((scope) => !grantable.includes(scope));
    if (refused.length > 0) throw OAuthErrors.invalidScope(`the client may not request ${refused.join(' ')}`);
    return this.minter.forClient({ tenant: request.tenant, client, scopes: requested ?? grantable, jkt: request.dpopJkt });
  }
}
