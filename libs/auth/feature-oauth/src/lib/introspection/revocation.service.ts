import { Injectable } from '@nestjs/common';
import type { ClientRecord } from '@sigma/auth/feature-clients';
import { LoginSessionService } from '@sigma/auth/feature-tokens';
import { IssuedTokenReader } from './issued-token-reader.service';

/**
 * Token revocation (RFC 7009). A refresh token of the requesting client ends its whole family,
 * which is the login session (`session.revoked` is published, so gateways drop the session's
 * access tokens too). A live access token of the client goes on the jti deny-list until it expires
 * (introspection and userinfo answer inactive for it). Tokens that are unknown, already invalid or
 * another client's change nothing and get the same 200 (§2.2: nothing to learn from the answer).
 */
@Injectable()
export class RevocationService {
  constructor(
    private readonly tokens: IssuedTokenReader,
    private readonly sessions: LoginSessionService,
  ) {}

  async revoke(token: string, hint: string | undefined, client: ClientRecord): Promise<void> {
    const order = hint === 'access_token' ? [this.revokeAccessToken, this.revokeRefreshToken] : [this.revokeRefreshToken, this.revokeAccessToken];
    for (const attempt of order) if (await attempt.call(this, token, client)) return;
  }

  private async revokeRefreshToken(token: string, client: ClientRecord): Promise<boolean> {
    const stored = await this.tokens.anyRefreshToken(token);
    if (!stored) return false;
    if (stored.family.clientId === client.clientId && stored.family.tenantId === client.tenantId) await this.sessions.endNow(stored.family, 'logout');
    return true;
  }

  private async revokeAccessToken(token: string, client: ClientRecord): Promise<boolean> {
    const live = await this.tokens.liveAccessToken(token);
    if (!live) return false;
    if (live.caller.clientId === client.clientId && live.caller.tenantId === client.tenantId) await this.tokens.denyAccessToken(live.caller);
    return true;
  }
}
