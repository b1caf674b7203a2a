import { All, Controller, Header, Inject, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, CurrentRequest, RequestMeta } from '@sigma/auth/feature-tokens';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import type { Request, Response } from 'express';
import { DpopProofVerifier } from '../dpop/dpop-proof.verifier';
import { withDpopNonce } from '../http/oauth-request';
import { AUTH_OAUTH_OPTIONS, AuthOAuthOptions, publicUrlOf, underEveryPrefix } from '../oauth-options';
import { OAuthErrors } from '../oauth-errors';
import { IssuedTokenReader } from './issued-token-reader.service';

/** The access token and the scheme it came with (RFC 6750 §2.1, RFC 9449 §7.1). */
function presentedToken(authorization: string | undefined): { scheme: 'Bearer' | 'DPoP'; token: string } {
  const match = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization ?? '');
  if (!match) throw OAuthErrors.invalidToken('an access token is required (Authorization: Bearer or DPoP)');
  return { scheme: match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: match[2] };
}

function epochSecondsOf(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : Math.floor(time / 1000);
}

/**
 * OpenID Connect UserInfo (Core §5.3), GET or POST: a live access token of a user with the openid
 * scope; a DPoP-bound token only with the DPoP scheme and a proof of its key over this request
 * (ath included). Claims come from the directory now, filtered by the token's scope.
 */
@ApiTags('OpenID Connect')
@Controller()
export class UserinfoController {
  constructor(
    private readonly tokens: IssuedTokenReader,
    private readonly dpop: DpopProofVerifier,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly tokenOptions: AuthTokensOptions,
    @Inject(AUTH_OAUTH_OPTIONS) private readonly options: AuthOAuthOptions,
  ) {}

  @All(underEveryPrefix('userinfo'))
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'OpenID Connect UserInfo', description: 'GET or POST with `Authorization: Bearer` or, for DPoP-bound tokens, `Authorization: DPoP` and a DPoP proof.' })
  @ApiOkResponse({ description: '{sub, preferred_username, name, given_name, family_name, updated_at (profile), email, email_verified (email)}' })
  async userinfo(@Req() req: Request, @Res({ passthrough: true }) res: Response, @CurrentRequest() meta: RequestMeta): Promise<Record<string, unknown>> {
    if (req.method !== 'GET' && req.method !== 'POST') throw new DomainError(ErrorKind.METHOD_NOT_ALLOWED, 'userinfo answers GET and POST');
    const { scheme, token } = presentedToken(req.headers.authorization);
    const live = await this.tokens.liveAccessToken(token);
    if (!live) throw OAuthErrors.invalidToken('the access token is invalid, expired or revoked');
    const { caller } = live;
    meta.identify({ tenantId: caller.tenantId, userId: caller.userId, clientId: caller.clientId });
    if (caller.jkt !== undefined) {
      if (scheme !== 'DPoP') throw OAuthErrors.invalidToken('the access token is DPoP-bound: use the DPoP scheme with a proof');
      const proof = DpopProofVerifier.proofOf(req.headers['dpop']);
      if (proof === undefined) throw OAuthErrors.invalidDpopProof('a DPoP proof is required');
      const { jkt } = await withDpopNonce(res, () => this.dpop.verify(proof, { method: req.method, url: publicUrlOf(this.options.publicUrl, req.path), accessToken: token, nonceRequired: false }));
      if (jkt !== caller.jkt) throw OAuthErrors.invalidDpopProof('the DPoP proof key is not the one the access token is bound to');
    } else if (scheme === 'DPoP') {
      throw OAuthErrors.invalidToken('the access token is not DPoP-bound');
    }
    if (caller.userId === undefined) throw OAuthErrors.invalidToken('the access token was not issued to a user');
    if (!caller.scopes.includes('openid')) throw OAuthErrors.insufficientScope('the access token lacks the openid scope');

    let user;
    try {
      user = (await this.tokenOptions.directory.userClaims(caller.userId, caller.tenantId, { requestId: meta.requestId })).user;
    } catch (error) {
      if (error instanceof DomainError && error.kind === ErrorKind.NOT_FOUND) throw OAuthErrors.invalidToken('the user no longer exists');
      throw error;
    }
    const claims: Record<string, unknown> = { sub: user.user_id };
    if (caller.scopes.includes('profile')) {
      const name = [user.first_name, user.last_name].filter((part): part is string => !!part && part.trim() !== '').join(' ');
      claims['preferred_username'] = user.username;
      if (name !== '') claims['name'] = name;
      if (user.first_name) claims['given_name'] = user.first_name;
      if (user.last_name) claims['family_name'] = user.last_name;
      const updatedAt = epochSecondsOf(user.updated_at);
      if (updatedAt !== undefined) claims['updated_at'] = updatedAt;
    }
    if (caller.scopes.includes('email')) {
      claims['email'] = user.email;
      claims['email_verified'] = user.email_verified;
    }
    return claims;
  }
}
