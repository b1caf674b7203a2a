import { Body, Controller, Header, HttpCode, Post, Res } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import type { Response } from 'express';
import { CurrentRequest, RequestMeta } from '../http/request-meta';
import { LoginResponse } from '../issuing/token.response.dto';
import { ChallengeLoginResponse, LoginChallenges } from './login-challenge';
import { credentialsOf, LoginRequest } from './login.request.dto';
import { MfaStepService } from './mfa-step.service';
import { MfaVerifyRequest } from './mfa-verify.request.dto';
import { PasswordLoginService } from './password-login.service';

const FIRST_PARTY =
  'Tokens are issued to the built-in first-party client `sigma-iam` (absent client_id); any other client_id is 400 VALIDATION_ERROR naming client_id ' +
  'until the OAuth client registry serves the direct login APIs. ';
const TOKENS =
  'The access token is an RFC 9068 JWT (typ at+jwt) from the tenant issuer `<public URL>/oauth/tenants/<tenant id>`, audience `urn:sigma-iam:api`, ' +
  'with tid, sid (the login session), client_id, scope, roles and permissions; the ID token\'s audience is the client. Lifetimes are the tenant\'s. ' +
  'The granted scope is `openid profile email`. ';

@ApiTags('Authentication')
@Controller('api/v1/auth')
export class DirectLoginController {
  constructor(
    private readonly passwords: PasswordLoginService,
    private readonly mfa: MfaStepService,
    private readonly challenges: LoginChallenges,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOperation({
    summary: 'Authenticate with username and password',
    description:
      'Seed 000: form `credentials` = base64(username:password). Seed 004: JSON {username, password, tenant_id?, client_id?}. Without tenant_id: the default ' +
      'tenant. Answers {access_token, refresh_token, id_token, token_type, expires_in, scope, user, mfa_required: false}, or, when the user has a second ' +
      'factor enrolled, {mfa_required: true, mfa_session_id} (finish with POST /api/v1/auth/mfa/verify within 5 minutes). ' +
      FIRST_PARTY +
      TOKENS +
      'Errors: 400 VALIDATION_ERROR; 401 INVALID_CREDENTIALS (unknown user and wrong password alike); 403 disabled account or suspended tenant; 429 with ' +
      'retry_after while the account is locked after repeated failures; 503 when the user directory is unavailable. With login_challenge (seed 004, the ' +
      'pending OAuth authorization the login page carries): no tokens; the browser session cookie is set and the answer is {mfa_required: false, redirect_to} ' +
      '(the consent page or the client\'s redirect URI with its code), or the MFA step (finish it with mfa/verify and the same id, or on the login page); an ' +
      'unknown, used or expired challenge is 404.',
  })
  @ApiOkResponse({ type: LoginResponse })
  async login(@Body() body: LoginRequest, @CurrentRequest() request: RequestMeta, @Res({ passthrough: true }) res: Response): Promise<ChallengeLoginResponse> {
    const { username, password } = credentialsOf(body);
    const handler = this.challenges.current;
    if (body?.login_challenge !== undefined) {
      if (!handler) throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field: 'login_challenge', message: 'OAuth login challenges are not served' }] });
      return handler.login(body.login_challenge, { username, password, tenantId: body.tenant_id, clientId: body.client_id, clientIp: request.clientIp }, { requestId: request.requestId }, res);
    }
    const { response, claims, clientId } = await this.passwords.login(
      { username, password, tenantId: body?.tenant_id, clientId: body?.client_id, clientIp: request.clientIp },
      { requestId: request.requestId, clientIp: request.clientIp, userAgent: request.userAgent },
    );
    request.identify({ tenantId: claims.tenant_id, userId: claims.user_id, clientId });
    return response;
  }

  @Post('mfa/verify')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOperation({
    summary: 'Finish a login with a TOTP or recovery code',
    description:
      'Exactly one of totp_code and recovery_code, for the mfa_session_id a login answered. Answers the login\'s tokens and user (mfa_required: false). ' +
      'The MFA session is single use and lasts 5 minutes; after 5 wrong codes it is dropped. Errors: 400 VALIDATION_ERROR; 401 INVALID_CREDENTIALS (wrong ' +
      'code); 404 RESOURCE_NOT_FOUND (unknown, expired or used session); 429 with retry_after while the account is locked.',
  })
  @ApiOkResponse({ type: LoginResponse })
  async verify(@Body() body: MfaVerifyRequest, @CurrentRequest() request: RequestMeta, @Res({ passthrough: true }) res: Response): Promise<ChallengeLoginResponse> {
    const challenge = await this.challenges.current?.verifySecondFactor(
      body.mfa_session_id,
      { totpCode: body.totp_code, recoveryCode: body.recovery_code },
      { requestId: request.requestId },
      res,
    );
    if (challenge) return challenge;
    const { response, claims } = await this.mfa.verify(
      { mfaSessionId: body.mfa_session_id, totpCode: body.totp_code, recoveryCode: body.recovery_code },
      { requestId: request.requestId, clientIp: request.clientIp, userAgent: request.userAgent },
    );
    request.identify({ tenantId: claims.tenant_id, userId: claims.user_id });
    return response;
  }
}
