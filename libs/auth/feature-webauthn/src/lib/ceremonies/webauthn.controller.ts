import { Body, Controller, Delete, Get, Header, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentRequest, LoginResponse, RequestMeta } from '@sigma/auth/feature-tokens';
import { Authenticated, Caller, CurrentCaller } from '@sigma/shared/util-auth';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { OwnPasskey, PasskeyRegistrationService, RegisteredPasskey } from './passkey-registration.service';
import { PasskeySignInService } from './passkey-sign-in.service';
import { AssertionOptionsRequest, AssertionResponseRequest, RegistrationOptionsQuery, RegistrationResponseRequest } from './webauthn.request.dto';

const CHALLENGE_HEADER = { name: 'webauthn-challenge', required: true, description: 'The challenge of the options this answers (base64url), as seed 001 sends it' };
const ERRORS =
  'Errors in the OAuth body {error, error_description}: 400 invalid_request (bad input, missing header, challenge unknown, expired or already used: ' +
  'challenges are single use and live the timeout plus 30 s)';

@ApiTags('Passkeys (WebAuthn)')
@Controller('webauthn')
export class WebauthnController {
  constructor(
    private readonly registration: PasskeyRegistrationService,
    private readonly signIn: PasskeySignInService,
  ) {}

  @Get('registration/options')
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Options to register a passkey (seed 001)',
    description:
      'Needs the bearer access token of the user the passkey is for (ADR 22): username, when given, must be that user\'s username or email, and tenant_id ' +
      "the token's tenant (else 403 access_denied). Answers PublicKeyCredentialCreationOptions as JSON: challenge, rp {name, id}, user {id (the user handle), " +
      'name, displayName}, pubKeyCredParams (ES256, RS256), authenticatorSelection (userVerification required), timeout, excludeCredentials (passkeys ' +
      'the user has already). ' +
      ERRORS +
      '; 401 invalid_token without a valid token.',
  })
  registrationOptions(@Query() query: RegistrationOptionsQuery, @CurrentCaller() caller: Caller, @CurrentRequest() request: RequestMeta): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return this.registration.creationOptions(caller, query, { requestId: request.requestId });
  }

  @Post('registration/verification')
  @HttpCode(200)
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiHeader(CHALLENGE_HEADER)
  @ApiOperation({
    summary: 'Register a passkey (seed 001)',
    description:
      "The browser's credential from navigator.credentials.create() as JSON, with the same bearer token as the options. Verifies challenge, origin, " +
      'RP ID, user verification and algorithm, then stores the passkey with the user. Answers {verified: true, credential: {id, device_type, ' +
      'backed_up, transports, created_at}}. ' +
      ERRORS +
      ', or a credential that does not verify; 401 invalid_token; 403 access_denied for another user; 409 conflict when the passkey is registered already.',
  })
  verifyRegistration(
    @Headers('webauthn-challenge') challenge: string | undefined,
    @Body() body: RegistrationResponseRequest,
    @CurrentCaller() caller: Caller,
    @CurrentRequest() request: RequestMeta,
  ): Promise<RegisteredPasskey> {
    return this.registration.verify(caller, challenge, body, { requestId: request.requestId });
  }

  @Get('credentials')
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "The signed-in user's passkeys",
    description: 'Not in seed 001 (ADR 22): {credentials: [{id, device_type, backed_up, transports, created_at, last_used_at}]}. 401 invalid_token without a token.',
  })
  ownPasskeys(@CurrentCaller() caller: Caller, @CurrentRequest() request: RequestMeta): Promise<{ credentials: OwnPasskey[] }> {
    return this.registration.listOwn(caller, { requestId: request.requestId });
  }

  @Delete('credentials/:id')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({
    summary: 'Remove one of the signed-in user\'s passkeys',
    description: 'Not in seed 001 (ADR 22): for a lost or replaced device. 204; 404 not_found for a credential that is not the caller\'s; 401 invalid_token without a token.',
  })
  async removePasskey(@Param('id') id: string, @CurrentCaller() caller: Caller, @CurrentRequest() request: RequestMeta): Promise<void> {
    await this.registration.removeOwn(caller, id, { requestId: request.requestId });
  }

  @Post('assertion/options')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Options to sign in with a passkey (seed 001)',
    description:
      '{username?, tenant_id?, client_id?}. Answers PublicKeyCredentialRequestOptions as JSON: challenge, timeout, rpId, allowCredentials (the ' +
      "user's passkeys; a username without passkeys gets a stable decoy, so the answer does not reveal accounts; without username none, for " +
      'discoverable passkeys), userVerification required. ' +
      ERRORS +
      '; 404 for an unknown tenant.',
  })
  assertionOptions(@Body() body: AssertionOptionsRequest, @CurrentRequest() request: RequestMeta): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.signIn.requestOptions(body, { requestId: request.requestId });
  }

  @Post('assertion/result')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiHeader(CHALLENGE_HEADER)
  @ApiOperation({
    summary: 'Sign in with a passkey (seed 001)',
    description:
      "The browser's credential from navigator.credentials.get() as JSON. Answers the login response of POST /api/v1/auth/login: {access_token, " +
      'refresh_token, id_token, token_type, expires_in, scope, user, mfa_required: false}; the ID token\'s amr is ["hwk", "mfa"] (device-bound ' +
      'passkey) or ["swk", "mfa"] (synced). ' +
      ERRORS +
      '; 401 access_denied for an unknown credential, a signature, origin, RP ID or user verification that does not verify, a passkey of ' +
      'another user than the options named, or a signature counter that did not increase (a possibly cloned authenticator); 403 for a disabled account.',
  })
  async assertionResult(@Headers('webauthn-challenge') challenge: string | undefined, @Body() body: AssertionResponseRequest, @CurrentRequest() request: RequestMeta): Promise<LoginResponse> {
    const { response, claims, clientId } = await this.signIn.result(challenge, body, { requestId: request.requestId, clientIp: request.clientIp, userAgent: request.userAgent });
    request.identify({ tenantId: claims.tenant_id, userId: claims.user_id, clientId });
    return response;
  }
}
