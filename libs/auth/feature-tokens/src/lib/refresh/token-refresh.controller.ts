import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentRequest, RequestMeta } from '../http/request-meta';
import { TokenResponse } from '../issuing/token.response.dto';
import { LogoutResponse } from './logout.response.dto';
import { LogoutRequest, RefreshRequest } from './refresh.request.dto';
import { RefreshTokenService } from './refresh-token.service';

@ApiTags('Authentication')
@Controller('api/v1/auth')
export class TokenRefreshController {
  constructor(private readonly refreshTokens: RefreshTokenService) {}

  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOperation({
    summary: 'Exchange a refresh token for new tokens',
    description:
      'Form (seed 000) or JSON (seed 004) refresh_token, optional client_id (absent or `sigma-iam`; another registered client is 400 until the OAuth client ' +
      'registry serves this endpoint). Rotation: the answer carries a new refresh_token and the presented one is spent. Presenting a spent refresh token ' +
      'again revokes the whole session (every refresh token of it) and is 401. Roles and permissions are read again, so changes apply at the refresh. ' +
      'Errors: 400 VALIDATION_ERROR; 401 INVALID_TOKEN (unknown, expired, spent or revoked token, or another client\'s); 403 disabled account; 503 when ' +
      'the user directory is unavailable (the token stays usable).',
  })
  @ApiOkResponse({ type: TokenResponse })
  async refresh(@Body() body: RefreshRequest, @CurrentRequest() request: RequestMeta): Promise<TokenResponse> {
    const result = await this.refreshTokens.refresh(body.refresh_token, body.client_id, { requestId: request.requestId });
    request.identify({ tenantId: result.tenantId, userId: result.userId, clientId: result.clientId });
    return result.tokens;
  }

  @Post('logout')
  @HttpCode(200)
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOperation({
    summary: 'End the session of a refresh token',
    description:
      'Revokes the session the refresh token belongs to: every refresh token of it stops working (session.revoked is published). Access tokens already ' +
      'issued stay valid until they expire. An unknown refresh token is 401 INVALID_TOKEN; a session that already ended answers success again.',
  })
  @ApiOkResponse({ type: LogoutResponse })
  async logout(@Body() body: LogoutRequest, @CurrentRequest() request: RequestMeta): Promise<LogoutResponse> {
    const who = await this.refreshTokens.logout(body.refresh_token);
    request.identify(who);
    return { success: true };
  }
}
