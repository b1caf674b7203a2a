import { Inject, Injectable } from '@nestjs/common';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions } from '@sigma/auth/feature-tokens';
import { API_AUDIENCE, issuerOf } from '@sigma/shared/util-auth';
import { IssuedTokenReader } from './issued-token-reader.service';

/** RFC 7662 §2.2 introspection response. */
export interface IntrospectionResponse {
  active: boolean;
  scope?: string;
  client_id?: string;
  username?: string;
  token_type?: string;
  exp?: number;
  iat?: number;
  sub?: string;
  aud?: string;
  iss?: string;
  jti?: string;
  sid?: string;
  tid?: string;
  cnf?: { jkt: string };
}

const INACTIVE: IntrospectionResponse = { active: false };

/**
 * Token introspection (RFC 7662): tokens of the caller's tenant only; anything expired, revoked,
 * unknown, of another tenant, or whose session (`sid`) is no longer active is `{active: false}`
 * and nothing more. `token_type_hint` only changes which kind is tried first.
 */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly tokens: IssuedTokenReader,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly options: AuthTokensOptions,
  ) {}

  async introspect(token: string, hint: string | undefined, tenantId: string): Promise<IntrospectionResponse> {
    const order = hint === 'refresh_token' ? ['refresh_token', 'access_token'] : ['access_token', 'refresh_token'];
    for (const kind of order) {
      const answer = kind === 'access_token' ? await this.asAccessToken(token, tenantId) : await this.asRefreshToken(token, tenantId);
      if (answer) return answer;
    }
    return INACTIVE;
  }

  private async asAccessToken(token: string, tenantId: string): Promise<IntrospectionResponse | undefined> {
    const live = await this.tokens.liveAccessToken(token);
    if (!live || live.caller.tenantId !== tenantId) return undefined;
    const { caller } = live;
    return {
      active: true,
      scope: caller.scopes.join(' '),
      client_id: caller.clientId,
      token_type: caller.jkt === undefined ? 'Bearer' : 'DPoP',
      exp: Math.floor(caller.expiresAt.getTime() / 1000),
      sub: caller.userId ?? caller.clientId,
      aud: API_AUDIENCE,
      iss: issuerOf(this.options.publicUrl, caller.tenantId),
      jti: caller.tokenId,
      tid: caller.tenantId,
      ...(caller.sessionId === undefined ? {} : { sid: caller.sessionId }),
      ...(caller.jkt === undefined ? {} : { cnf: { jkt: caller.jkt } }),
    };
  }

  private async asRefreshToken(token: string, tenantId: string): Promise<IntrospectionResponse | undefined> {
    const live = await this.tokens.liveRefreshToken(token);
    if (!live || live.stored.family.tenantId !== tenantId) return undefined;
    const { family } = live.stored;
    return {
      active: true,
      scope: family.scope,
      client_id: family.clientId,
      token_type: 'refresh_token',
      exp: Math.floor(live.stored.expiresAt.getTime() / 1000),
      sub: family.userId,
      iss: issuerOf(this.options.publicUrl, family.tenantId),
      sid: family.id,
      tid: family.tenantId,
      ...(family.dpopJkt === null ? {} : { cnf: { jkt: family.dpopJkt } }),
    };
  }
}
