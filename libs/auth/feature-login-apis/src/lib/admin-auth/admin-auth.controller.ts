import { Body, Controller, Header, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentRequest, RequestMeta } from '@sigma/auth/feature-tokens';
import type { Response } from 'express';
import { AdminAuthRequest } from './admin-auth.request.dto';
import type { AdminAuthAnswer } from './admin-auth.response';
import { AdminAuthService } from './admin-auth.service';

@ApiTags('Identity gateway: authentication')
@Controller('api/admin/identity/auth')
export class AdminAuthController {
  constructor(private readonly auth: AdminAuthService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'Authenticate: login, register, refresh, logout or verify',
    description:
      'Seed 002. `action` picks the operation. login {email, password, clientId?, deviceInfo?, rememberMe?} → {success, user, tokens, session, message}; ' +
      "a user with a second factor gets {success, mfaRequired: true, mfaSessionId}; a second login {mfaSessionId, totpCode | recoveryCode, clientId?} " +
      '(5 minutes, single use; a wrong code is 401, an unknown or used mfaSessionId 404) answers the login. register {clientId, email, ' +
      'password, firstName?, lastName?, acceptTerms: true} → 201 {success, user, tokens, message} when the application allows registration (403 ' +
      "otherwise), with the application's defaultRole; with requireEmailVerification no tokens are issued and login to that application waits for a " +
      'verified email (403). refresh {refreshToken, clientId?} → {success, tokens, message} (rotation; a reused token ends the session). logout ' +
      '{accessToken, allSessions?} → {success, message}: ends the token\'s session, or with allSessions every session of the user. verify {accessToken} → ' +
      '{success, valid: true, user, session, message}; an invalid or expired token, or one of an ended session, is 401. clientId: a registered ' +
      'application (its tenant), absent: the first-party client and the default tenant; a token of another application is 401. Sessions last the ' +
      "application's sessionTimeout (first-party: 1 day) unless rememberMe (the tenant's refresh-token lifetime). Session ids are the tokens' sid. " +
      'Errors in the seed 002 envelope: 400 VALIDATION_ERROR, 401 INVALID_CREDENTIALS (unknown user and wrong password alike) or INVALID_TOKEN, ' +
      '403, 409 CONFLICT (email taken), 429 RATE_LIMIT_EXCEEDED with Retry-After and retryAfter while the account or client address is locked, 503.',
  })
  @ApiOkResponse({ description: 'The action\'s answer' })
  async handle(@Body() body: AdminAuthRequest, @CurrentRequest() request: RequestMeta, @Res({ passthrough: true }) res: Response): Promise<AdminAuthAnswer> {
    const { answer, created, who } = await this.auth.handle(body, { requestId: request.requestId, clientIp: request.clientIp, userAgent: request.userAgent });
    if (who) request.identify(who);
    if (created) res.status(201);
    return answer;
  }
}
