import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { BrowserSessionRepository } from '@sigma/auth/data-access-authorize';
import { OAuthErrors, OAuthTokenMinter, OAuthTokenResponse, requiredParam, TokenGrantHandler, TokenGrantRegistry, TokenGrantRequest } from '@sigma/auth/feature-oauth';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, LoginSessionService } from '@sigma/auth/feature-tokens';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { DataSource } from 'typeorm';
import { DeviceFlowService } from '../device-flow.service';

export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

const POLL_ERRORS: Readonly<Record<string, string>> = {
  authorization_pending: 'the user has not decided yet',
  slow_down: 'polling too fast: wait 5 seconds longer between polls',
  access_denied: 'the user denied the device',
  expired_token: 'the device code expired; start again',
  invalid_grant: 'the device code is invalid',
};

/**
 * The device_code grant (RFC 8628 §3.4, §3.5): authorization_pending until the user decides on
 * the /device page, slow_down when polled faster than the interval (which then grows by 5 s),
 * access_denied, expired_token; an approval yields tokens once.
 */
@Injectable()
export class DeviceCodeGrant implements TokenGrantHandler, OnModuleInit {
  readonly grantType = DEVICE_CODE_GRANT_TYPE;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: TokenGrantRegistry,
    private readonly devices: DeviceFlowService,
    private readonly minter: OAuthTokenMinter,
    private readonly sessions: LoginSessionService,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly tokens: AuthTokensOptions,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle({ client, tenant, params, dpopJkt, context }: TokenGrantRequest): Promise<OAuthTokenResponse> {
    const deviceCode = requiredParam(params, 'device_code');
    const poll = await this.devices.poll(client.clientId, deviceCode, async (device) => {
      if (device.userId === null || device.authTime === null || device.amr === null) throw new Error('an approved device authorization names its user');
      const claims = (await this.tokens.directory.userClaims(device.userId, device.tenantId, context)).user;
      if (!claims.is_active) throw OAuthErrors.invalidGrant('the user can no longer sign in');
      const started = await this.sessions.start({
        tenantId: tenant.id,
        userId: device.userId,
        clientId: client.clientId,
        scope: device.scope,
        amr: device.amr,
        authTime: device.authTime,
        refreshLifetimeSeconds: client.tokenLifetimes.refreshToken ?? tenant.token_lifetimes.refresh_token,
        dpopJkt: client.clientType === 'public' ? dpopJkt : undefined,
      });
      if (device.browserSessionId !== null) await new BrowserSessionRepository(this.dataSource.manager).recordLogin(device.browserSessionId, started.grant.sessionId);
      return { claims, started };
    });
    if (poll.outcome !== 'approved') throw new DomainError(ErrorKind.VALIDATION, POLL_ERRORS[poll.outcome], { oauthError: poll.outcome });
    const { claims, started } = poll.value;
    const refreshToken = client.allowedGrantTypes.includes('refresh_token') ? started.refreshToken : undefined;
    return this.minter.forUser({ tenant, client, claims, grant: started.grant, jkt: dpopJkt, refreshToken });
  }
}
