import { All, Controller, Header, Inject, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClientRegistry } from '@sigma/auth/feature-clients';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, CurrentRequest, RequestMeta } from '@sigma/auth/feature-tokens';
import type { Caller } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import type { Request, Response } from 'express';
import { DPOP_ALGORITHMS, DpopProofVerifier } from '../dpop/dpop-proof.verifier';
import { dpopUrlsOf } from '../dpop/dpop-target';
import { requiresDpopNonce } from '../grants/token-endpoint.service';
import { withDpopNonce } from '../http/oauth-request';
import { AUTH_OAUTH_OPTIONS, AuthOAuthOptions, underEveryPrefix } from '../oauth-options';
import { OAuthErrors } from '../oauth-errors';
import { IssuedTokenReader } from './issued-token-reader.service';

type Scheme = 'Bearer' | 'DPoP';

const REALM = 'realm="sigma-iam"';
const DPOP_ALGS = `algs="${DPOP_ALGORITHMS.join(' ')}"`;

/**
 * The challenge of a refusal at a protected resource (RFC 6750 §3, RFC 9449 §7.1): the scheme the
 * token is used with (DPoP with its `algs`), the error code, and its description.
 */
function challengeOf(scheme: Scheme, error: DomainError): string {
  const params = [REALM, ...(scheme === 'DPoP' ? [DPOP_ALGS] : []), `error="${error.oauthError ?? 'invalid_token'}"`, `error_description="${error.message.replace(/["\\]/g, "'")}"`];
  return `${scheme} ${params.join(', ')}`;
}

/** The refusal as a protected resource answers it: 401 (403 for scope) with the scheme's challenge. */
function refusal(scheme: Scheme, error: DomainError): DomainError {
  const kind = error.kind === ErrorKind.INSUFFICIENT_PERMISSIONS ? ErrorKind.INSUFFICIENT_PERMISSIONS : ErrorKind.INVALID_TOKEN;
  return new DomainError(kind, error.message, { oauthError: error.oauthError, wwwAuthenticate: challengeOf(scheme, error), cause: error });
}

/** The access token and the scheme it came with; a request without one is challenged with both schemes. */
function presentedToken(authorization: string | undefined): { scheme: Scheme; token: string } {
  const match = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization ?? '');
  if (!match) {
    // RFC 6750 §3.1: no error code when the request carried no credentials at all.
    const error = authorization === undefined ? '' : ', error="invalid_token"';
    throw new DomainError(ErrorKind.AUTHENTICATION_REQUIRED, 'an access token is required (Authorization: Bearer or DPoP)', {
      oauthError: 'invalid_token',
      wwwAuthenticate: `Bearer ${REALM}${error}, DPoP ${REALM}, ${DPOP_ALGS}${error}`,
    });
  }
  return { scheme: match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: match[2] };
}

function epochSecondsOf(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : Math.floor(time / 1000);
}

/**
 * OpenID Connect UserInfo (Core §5.3), GET or POST: a live access token of a user with the openid
 * scope. A DPoP-bound token only with the DPoP scheme and a proof of its key over this request
 * (htm, htu, iat, jti, ath; a server nonce when the client or the server requires one, RFC 9449
 * §9). Refusals are 401 with a `DPoP` challenge (and `algs`) for DPoP tokens, `Bearer` otherwise.
 * Claims come from the directory now, filtered by the token's scope.
 */
@ApiTags('OpenID Connect')
@Controller()
export class UserinfoController {
  constructor(
    private readonly tokens: IssuedTokenReader,
    private readonly dpop: DpopProofVerifier,
    private readonly clients: ClientRegistry,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly tokenOptions: AuthTokensOptions,
    @Inject(AUTH_OAUTH_OPTIONS) private readonly options: AuthOAuthOptions,
  ) {}

  @All(underEveryPrefix('userinfo'))
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'OpenID Connect UserInfo',
    description:
      'GET or POST with `Authorization: Bearer` or, for DPoP-bound tokens, `Authorization: DPoP` and a DPoP proof (with ath). 401 challenges with the ' +
      "token's scheme (`DPoP algs=...` for DPoP tokens); a client that must use DPoP nonces gets error use_dpop_nonce and a DPoP-Nonce header first.",
  })
  @ApiOkResponse({ description: '{sub, preferred_username, name, given_name, family_name, updated_at (profile), email, email_verified (email)}' })
  async userinfo(@Req() req: Request, @Res({ passthrough: true }) res: Response, @CurrentRequest() meta: RequestMeta): Promise<Record<string, unknown>> {
    if (req.method !== 'GET' && req.method !== 'POST') throw new DomainError(ErrorKind.METHOD_NOT_ALLOWED, 'userinfo answers GET and POST');
    const { scheme, token } = presentedToken(req.headers.authorization);
    const live = await this.tokens.liveAccessToken(token);
    if (!live) throw refusal(scheme, OAuthErrors.invalidToken('the access token is invalid, expired or revoked'));
    const { caller } = live;
    meta.identify({ tenantId: caller.tenantId, userId: caller.userId, clientId: caller.clientId });
    const tokenScheme: Scheme = caller.jkt === undefined ? 'Bearer' : 'DPoP';
    if (caller.jkt !== undefined) {
      if (scheme !== 'DPoP') throw refusal('DPoP', OAuthErrors.invalidToken('the access token is DPoP-bound: use the DPoP scheme with a proof'));
      await this.checkProof(req, res, token, caller, caller.jkt);
    } else if (scheme === 'DPoP') {
      throw refusal('Bearer', OAuthErrors.invalidToken('the access token is not DPoP-bound: use the Bearer scheme'));
    }
    if (caller.userId === undefined) throw refusal(tokenScheme, OAuthErrors.invalidToken('the access token was not issued to a user'));
    if (!caller.scopes.includes('openid')) throw refusal(tokenScheme, OAuthErrors.insufficientScope('the access token lacks the openid scope'));

    let user;
    try {
      user = (await this.tokenOptions.directory.userClaims(caller.userId, caller.tenantId, { requestId: meta.requestId })).user;
    } catch (error) {
      if (error instanceof DomainError && error.kind === ErrorKind.NOT_FOUND) throw refusal(tokenScheme, OAuthErrors.invalidToken('the user no longer exists'));
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

  /** The DPoP proof of a bound token's key over this request; refusals challenge with DPoP. */
  private async checkProof(req: Request, res: Response, token: string, caller: Caller, jkt: string): Promise<void> {
    try {
      const proof = DpopProofVerifier.proofOf(req.headers['dpop']);
      if (proof === undefined) throw OAuthErrors.invalidDpopProof('a DPoP proof is required');
      const client = await this.clients.findActiveByClientId(caller.tenantId, caller.clientId);
      const nonceRequired = requiresDpopNonce({ dpopNonceRequired: client?.dpopNonceRequired ?? false, fapi2: client?.fapi2 ?? false }, this.options);
      const verified = await withDpopNonce(res, () => this.dpop.verify(proof, { method: req.method, urls: dpopUrlsOf(this.options.publicUrl, req), accessToken: token, nonceRequired }));
      if (verified.jkt !== jkt) throw OAuthErrors.invalidDpopProof('the DPoP proof key is not the one the access token is bound to');
      if (nonceRequired) res.setHeader('DPoP-Nonce', this.dpop.currentNonce());
    } catch (error) {
      if (error instanceof DomainError && error.kind === ErrorKind.VALIDATION) throw refusal('DPoP', error);
      throw error;
    }
  }
}
