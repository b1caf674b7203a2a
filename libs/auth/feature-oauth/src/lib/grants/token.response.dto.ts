import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { OAuthTokenResponse } from './token-grant';

/** RFC 6749 §5.1 successful token response. */
export class OAuthTokenResponseDto implements OAuthTokenResponse {
  @ApiProperty({ description: 'RFC 9068 JWT access token (typ at+jwt); cnf.jkt when DPoP-bound' }) access_token!: string;
  @ApiProperty({ enum: ['Bearer', 'DPoP'] }) token_type!: 'Bearer' | 'DPoP';
  @ApiProperty({ example: 900 }) expires_in!: number;
  @ApiPropertyOptional({ example: 'api:read' }) scope?: string;
  @ApiPropertyOptional({ description: 'Opaque, single use (rotated at every refresh)' }) refresh_token?: string;
  @ApiPropertyOptional({ description: 'OpenID Connect ID token, with the openid scope' }) id_token?: string;
}
