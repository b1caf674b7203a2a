import { Body, Controller, Delete, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Authenticated, Caller, CurrentCaller } from '@sigma/shared/util-auth';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { ContextualTokenService, ContextualTokenValidation, IssuedContextualToken } from './contextual-token.service';

export class CreateContextualTokenRequest {
  @ApiProperty({ example: 'event-uuid', description: 'The event the token is for' })
  @IsString()
  @Length(1, 128)
  event_id!: string;

  @ApiPropertyOptional({ example: 'Building A, Room 101' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  location?: string;

  @ApiProperty({ example: 'attendance-system', description: 'Who will validate the token; validation with another audience fails' })
  @IsString()
  @Length(1, 256)
  audience!: string;

  @ApiPropertyOptional({ example: 300, description: 'Lifetime in seconds (default 300), at most CONTEXTUAL_TOKEN_MAX_SECONDS (3600 by default)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86400)
  expires_in?: number;

  @ApiPropertyOptional({ description: 'Accept the token at one validation only' })
  @IsOptional()
  @IsBoolean()
  single_use?: boolean;
}

export class ValidateContextualTokenRequest {
  @ApiProperty()
  @IsString()
  @Length(1, 8192)
  token!: string;

  @ApiProperty({ example: 'attendance-system' })
  @IsString()
  @Length(1, 256)
  audience!: string;
}

class ContextualTokenResponse {
  @ApiProperty({ description: 'JWT (typ contextual+jwt) signed with the tenant key' }) token!: string;
  @ApiProperty({ description: 'PNG data URL of a QR code holding the token' }) qr_code!: string;
  @ApiProperty({ format: 'date-time' }) expires_at!: string;
}

@ApiTags('Contextual tokens')
@Controller('identity/v2/contextual-tokens')
export class ContextualTokensController {
  constructor(private readonly tokens: ContextualTokenService) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Authenticated()
  @ApiOperation({
    summary: 'Generate a QR contextual token',
    description:
      "Seed 001. Any signed-in caller. {event_id, location?, audience, expires_in?, single_use?} → {token, qr_code, expires_at}: a JWT from the caller's " +
      'tenant issuer with sub (the caller), aud (audience), tid, jti, event_id, location and single_use. expires_in above the configured maximum is 400.',
  })
  @ApiCreatedResponse({ type: ContextualTokenResponse })
  create(@CurrentCaller() caller: Caller, @Body() body: CreateContextualTokenRequest): Promise<IssuedContextualToken> {
    return this.tokens.issue(caller, { eventId: body.event_id, location: body.location, audience: body.audience, expiresIn: body.expires_in, singleUse: body.single_use === true });
  }

  @Post('validate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Validate a QR contextual token',
    description:
      'Seed 001. {token, audience} → {valid: true, claims} or {valid: false, reason}, reason one of malformed, bad_signature, expired, wrong_audience, ' +
      'revoked, already_used (in that order of checking: nothing about a forged token is told). A single-use token is valid at its first validation only.',
  })
  @ApiOkResponse({ description: '{valid, claims} or {valid: false, reason}' })
  validate(@Body() body: ValidateContextualTokenRequest): Promise<ContextualTokenValidation> {
    return this.tokens.validate(body.token, body.audience);
  }

  @Delete(':jti')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Revoke a contextual token', description: 'By its jti, in the caller\'s tenant: its issuer, or a holder of sessions:write. 404 when unknown.' })
  async revoke(@CurrentCaller() caller: Caller, @Param('jti') jti: string): Promise<void> {
    await this.tokens.revoke(caller, jti);
  }
}
