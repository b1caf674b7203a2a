import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { IntrospectionResponse } from './introspection.service';

/** RFC 7662 §2.2. */
export class IntrospectionResponseDto implements IntrospectionResponse {
  @ApiProperty() active!: boolean;
  @ApiPropertyOptional() scope?: string;
  @ApiPropertyOptional() client_id?: string;
  @ApiPropertyOptional({ enum: ['Bearer', 'DPoP', 'refresh_token'] }) token_type?: string;
  @ApiPropertyOptional() exp?: number;
  @ApiPropertyOptional() sub?: string;
  @ApiPropertyOptional() aud?: string;
  @ApiPropertyOptional() iss?: string;
  @ApiPropertyOptional() jti?: string;
  @ApiPropertyOptional({ description: 'Session id' }) sid?: string;
  @ApiPropertyOptional({ description: 'Tenant id' }) tid?: string;
  @ApiPropertyOptional({ description: 'DPoP binding (RFC 9449)' }) cnf?: { jkt: string };
}
