import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { AuthorizationCode, AuthorizationCodeRepository, BrowserSessionRepository } from '@sigma/auth/data-access-authorize';
import { OAuthErrors, OAuthTokenMinter, OAuthTokenResponse, requiredParam, TokenGrantHandler, TokenGrantRegistry, TokenGrantRequest } from '@sigma/auth/feature-oauth';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, CLOCK, Clock, LoginSessionService } from '@sigma/auth/feature-tokens';
import { hashToken } from '@sigma/shared/util-crypto';
import { DataSource } from 'typeorm';
import { verifyPkce } from '../protocol/pkce';

/**
 * The authorization_code grant (RFC 6749 §4.1.3, RFC 7636 §4.6, RFC 9700 §2.1.1, §4.8): the code
 * is single use and the client's own; PKCE is verified when the request had a challenge, and a
 * verifier without one is refused (downgrade); redirect_uri must be the one the code was issued to
 * (required when the code has no PKCE); a DPoP-bound code (dpop_jkt) needs a proof with that key.
 * A replayed code revokes the session its first use started. The tokens belong to a new login
 * session (sid) of the browser session that signed in, with its auth_time and amr, and the ID
 * token carries the request's nonce and at_hash.
 */
@Injectable()
export class AuthorizationCodeGrant implements TokenGrantHandler, OnModuleInit {
  readonly grantType = 'authorization_code';

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: TokenGrantRegistry,
    private readonly minter: OAuthTokenMinter,
    private readonly sessions: LoginSessionService,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly tokens: AuthTokensOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle({ client, tenant, params, dpopJkt, context }: TokenGrantRequest): Promise<OAuthTokenResponse> {
    const codeHash = hashToken(requiredParam(params, 'code'));
    const codes = new AuthorizationCodeRepository(this.dataSource.manager);
    const presented = await codes.find(codeHash);
    if (!presented || presented.code.clientId !== client.clientId || presented.code.tenantId !== tenant.id) throw OAuthErrors.invalidGrant('the authorization code is invalid');
    if (presented.consumed) return this.replayed(presented.code, presented.sessionId);
    const code = presented.code;
    if (code.expiresAt <= this.clock()) throw OAuthErrors.invalidGrant('the authorization code expired');
    checkBinding(code, params, dpopJkt);

    // Everything that can fail for reasons outside the code happens before the code is spent.
    const { user: claims } = await this.tokens.directory.userClaims(code.userId, code.tenantId, context);
    if (!claims.is_active) throw OAuthErrors.invalidGrant('the user can no longer sign in');
    const started = await this.sessions.start({
      tenantId: tenant.id,
      userId: code.userId,
      clientId: client.clientId,
      scope: code.scope,
      amr: code.amr,
      authTime: code.authTime,
      refreshLifetimeSeconds: client.tokenLifetimes.refreshToken ?? tenant.token_lifetimes.refresh_token,
      dpopJkt: client.clientType === 'public' ? dpopJkt : undefined,
    });
    const redeemed = await this.dataSource.transaction(async (manager) => {
      const redemption = await new AuthorizationCodeRepository(manager).redeem(codeHash, this.clock());
      if (redemption.outcome !== 'redeemed') return redemption;
      await new AuthorizationCodeRepository(manager).recordSession(codeHash, started.grant.sessionId);
      if (code.browserSessionId !== null) await new BrowserSessionRepository(manager).recordLogin(code.browserSessionId, started.grant.sessionId);
      return redemption;
    });
    if (redeemed.outcome !== 'redeemed') {
      // Lost a race with another presentation of the same code: neither gets to keep tokens.
      await this.sessions.endById(tenant.id, code.userId, started.grant.sessionId, 'refresh_token_reuse');
      if (redeemed.outcome === 'replayed') return this.replayed(redeemed.code, redeemed.sessionId);
      throw OAuthErrors.invalidGrant('the authorization code expired');
    }
    const refreshToken = client.allowedGrantTypes.includes('refresh_token') ? started.refreshToken : undefined;
    return this.minter.forUser({ tenant, client, claims, grant: started.grant, jkt: dpopJkt, nonce: code.nonce ?? undefined, refreshToken });
  }

  /** RFC 6749 §4.1.2 / RFC 9700 §4.5: a code used twice revokes what its first use issued. */
  private async replayed(code: AuthorizationCode, sessionId: string | null): Promise<never> {
    if (sessionId !== null) await this.sessions.endById(code.tenantId, code.userId, sessionId, 'refresh_token_reuse');
    throw OAuthErrors.invalidGrant('the authorization code was used before');
  }
}

function checkBinding(code: AuthorizationCode, params: Readonly<Record<string, string>>, dpopJkt: string | undefined): void {
  const redirectUri = params['redirect_uri'];
  if (redirectUri !== undefined ? redirectUri !== code.redirectUri : code.codeChallenge === null) {
    throw OAuthErrors.invalidGrant('redirect_uri does not match the authorization request');
  }
  const verifier = params['code_verifier'];
  if (code.codeChallenge === null || code.codeChallengeMethod === null) {
    if (verifier !== undefined) throw OAuthErrors.invalidGrant('code_verifier sent for an authorization request without code_challenge');
  } else {
    if (verifier === undefined) throw OAuthErrors.invalidGrant('code_verifier is required (PKCE)');
    if (!verifyPkce(verifier, code.codeChallenge, code.codeChallengeMethod)) throw OAuthErrors.invalidGrant('code_verifier does not match the code_challenge');
  }
  if (code.dpopJkt !== null && dpopJkt !== code.dpopJkt) throw OAuthErrors.invalidDpopProof('the DPoP proof key is not the one the authorization request named (dpop_jkt)');
}
