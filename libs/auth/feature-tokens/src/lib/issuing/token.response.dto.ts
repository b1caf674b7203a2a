import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UserResponse } from './user.response.dto';

/** Tokens of a completed login or refresh (seeds 000 and 004). */
export class TokenResponse {
  @ApiProperty({ description: 'RFC 9068 JWT access token (typ at+jwt), signed with the tenant key (see /.well-known/jwks.json?tenant_id=)' })
  access_token!: string;

  @ApiProperty({ description: 'Opaque refresh token; single use: each refresh answers a new one' })
  refresh_token!: string;

  @ApiProperty({ description: 'OpenID Connect ID token (aud = client_id)' })
  id_token!: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type!: 'Bearer';

  @ApiProperty({ description: 'Access token lifetime in seconds (the tenant\'s access-token lifetime)', example: 900 })
  expires_in!: number;

  @ApiProperty({ example: 'openid profile email' })
  scope!: string;
}

/** A login answer: the tokens and the user, or the MFA step still to do. */
export class LoginResponse {
  @ApiProperty({ description: 'True when a second factor is enrolled: only mfa_session_id is answered, and POST /api/v1/auth/mfa/verify finishes the login' })
  mfa_required!: boolean;

  @ApiPropertyOptional({ description: 'With mfa_required: the pending login, valid 5 minutes, single use' })
  mfa_session_id?: string;

  @ApiPropertyOptional() access_token?: string;
  @ApiPropertyOptional() refresh_token?: string;
  @ApiPropertyOptional() id_token?: string;
  @ApiPropertyOptional({ enum: ['Bearer'] }) token_type?: 'Bearer';
  @ApiPropertyOptional({ example: 900 }) expires_in?: number;
  @ApiPropertyOptional({ example: 'openid profile email' }) scope?: string;
  @ApiPropertyOptional({ type: UserResponse }) user?: UserResponse;
}
