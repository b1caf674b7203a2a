import { Body, Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClientRegistry } from '@sigma/auth/feature-clients';
import { CurrentRequest, type RequestMeta, TenantLookupService } from '@sigma/auth/feature-tokens';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { CompleteSsoRequest, StartSsoRequest } from './admin-sso.request.dto';
import { camelCaseTokensOf } from './completed-login';
import { FederatedSignInService } from './federated-sign-in.service';

function invalid(field: string, message: string): DomainError {
  return new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field, message }] });
}

interface SsoUser {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  avatar: string | null;
  verified: boolean;
}

/**
 * Seed 002's SSO: GET answers the provider's authorization URL (redirect_uri = the application's
 * registered callback, which receives the provider's code), POST redeems that code with the state.
 */
@ApiTags('SSO')
@Controller('api/admin/identity/sso')
export class AdminSsoController {
  constructor(
    private readonly signIns: FederatedSignInService,
    private readonly clients: ClientRegistry,
    private readonly tenants: TenantLookupService,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Initiate SSO login with an external provider',
    description:
      "Seed 002. For an active application (clientId) and an enabled provider of the application's tenant: stores a pending sign-in (state, PKCE S256 " +
      'verifier, and a nonce for OpenID Connect providers; 10 minutes, single use) and answers the authorization URL with redirect_uri = redirectUri, ' +
      "which must be one of the application's registered redirect URIs exactly (default: its only one). The provider sends the code there; finish with " +
      'POST. The state is always generated here (an incoming state is not sent upstream). 400 names provider, clientId or redirectUri.',
  })
  async start(@Query() query: StartSsoRequest, @CurrentRequest() request: RequestMeta): Promise<{ success: true; authUrl: string; state: string; message: string }> {
    const client = await this.clients.findActiveByClientId(undefined, query.clientId);
    if (!client) throw invalid('clientId', 'names no active application');
    const redirectUri = query.redirectUri ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
    if (redirectUri === undefined) throw invalid('redirectUri', 'is required: the application registered more than one (or none)');
    if (!client.redirectUris.includes(redirectUri)) throw invalid('redirectUri', "is not one of the application's registered redirect URIs");
    const tenant = await this.tenants.resolve(client.tenantId, { requestId: request.requestId });
    request.identify({ tenantId: tenant.id, clientId: client.clientId });
    const started = await this.signIns.start({ tenant, providerKey: query.provider, providerField: 'provider', client, flow: 'sso', redirectUri });
    return { success: true, authUrl: started.authUrl.href, state: started.state, message: `Redirect to ${started.provider.name} for authentication` };
  }

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'Complete SSO authentication with an authorization code',
    description:
      'Seed 002. Takes the pending sign-in of state (single use: a replay is 400), which must be for this provider and clientId; redeems code at the ' +
      "provider with the PKCE verifier (openid-client checks the ID token's signature, issuer, audience, expiry and nonce) and reads the identity. The " +
      "user: the one linked to the identity; else, with the provider's autoLinkByEmail and a provider-verified email, the user with that email (linked " +
      'now); else a new user (allowSignup). 409 when the email belongs to an account the identity may not be linked to; 403 when sign-up is disabled, ' +
      "requireEmailVerified is not met or the account is disabled; 401 when the provider refuses the code or its answer fails a check; 502 when it is " +
      "unreachable. Tokens are the suite's (access token, rotating refresh token; scope openid profile email).",
  })
  async complete(
    @Body() body: CompleteSsoRequest,
    @CurrentRequest() request: RequestMeta,
  ): Promise<{ success: true; user: SsoUser; tokens: { accessToken: string; refreshToken: string; expiresIn: number; tokenType: 'Bearer' }; provider: string; message: string }> {
    const pending = await this.signIns.takeState(body.state, ['sso'], 'state');
    const provider = await this.signIns.enabledProvider(pending.tenantId, body.provider, 'provider');
    if (provider.id !== pending.providerId) throw invalid('provider', 'is not the provider the sign-in was started with');
    if (body.clientId !== pending.clientId) throw invalid('clientId', 'is not the application the sign-in was started for');
    const callback = new URL(pending.redirectUri);
    callback.search = '';
    callback.searchParams.set('code', body.code);
    callback.searchParams.set('state', body.state);
    if (body.iss !== undefined) callback.searchParams.set('iss', body.iss);
    const context = { requestId: request.requestId };
    const finished = await this.signIns.finish(pending, callback, body.state, context);
    request.identify({ tenantId: pending.tenantId, userId: finished.claims.user_id, clientId: pending.clientId });
    const response = await this.signIns.complete({ claims: finished.claims, providerId: provider.id, clientId: pending.clientId, amr: finished.identity.amr }, context);
    return {
      success: true,
      user: {
        id: finished.claims.user_id,
        email: finished.claims.email,
        firstName: finished.claims.first_name,
        lastName: finished.claims.last_name,
        avatar: finished.identity.picture ?? null,
        verified: finished.claims.email_verified,
      },
      tokens: camelCaseTokensOf(response),
      provider: provider.key,
      message: `${provider.name} authentication successful`,
    };
  }
}
