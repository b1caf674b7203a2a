import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export class MfaVerifyRequest {
  @ApiProperty({ description: 'The mfa_session_id the login answered' })
  @IsString()
  @Length(1, 256)
  mfa_session_id!: string;

  @ApiPropertyOptional({ description: 'A 6-digit TOTP code (RFC 6238)', example: '123456' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'totp_code must be 6 digits' })
  totp_code?: string;

  @ApiPropertyOptional({ description: 'A single-use recovery code, instead of totp_code' })
  @IsOptional()
  @IsString()
  @Length(6, 64)
  recovery_code?: string;
}
