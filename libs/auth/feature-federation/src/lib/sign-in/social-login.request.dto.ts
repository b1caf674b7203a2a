import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

/** Seed 000's GET /api/v1/auth/social/{provider} query. */
export class StartSocialLoginRequest {
  @ApiPropertyOptional({ description: 'Where the application receives its one-time code: a redirect URI registered by the application, exactly (required without login_challenge)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  redirect_uri?: string;

  @ApiPropertyOptional({ description: "The login page's pending OAuth authorization: the sign-in finishes it (instead of redirect_uri)" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  login_challenge?: string;

  @ApiPropertyOptional({ description: 'The application\'s CSRF state, returned to redirect_uri unchanged' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  state?: string;

  @ApiPropertyOptional({ description: 'The application; absent: the only active application of the tenant that registered redirect_uri' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  client_id?: string;

  @ApiPropertyOptional({ description: "Absent: the application's tenant, else the default tenant" })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({ description: 'PKCE (RFC 7636) for redeeming the one-time code; required for public applications' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'code_challenge must be a base64url SHA-256 (43 characters)' })
  code_challenge?: string;

  @ApiPropertyOptional({ enum: ['S256'] })
  @IsOptional()
  @IsIn(['S256'])
  code_challenge_method?: 'S256';
}

/** Redeeming the one-time code of a finished social sign-in (form or JSON). */
export class RedeemSocialCodeRequest {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(512) code!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(2048) redirect_uri!: string;
  @ApiPropertyOptional({ description: 'Required unless the client authenticates with HTTP Basic' }) @IsOptional() @IsString() @MaxLength(255) client_id?: string;
  @ApiPropertyOptional({ description: 'client_secret_post clients' }) @IsOptional() @IsString() @MaxLength(512) client_secret?: string;
  @ApiPropertyOptional({ description: 'With a code_challenge at the start' }) @IsOptional() @Matches(/^[A-Za-z0-9._~-]{43,128}$/) code_verifier?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) grant_type?: string;
}
