import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class RefreshRequest {
  @ApiProperty({ description: 'The latest refresh token of the session' })
  @IsString()
  @Length(1, 512)
  refresh_token!: string;

  @ApiPropertyOptional({ description: 'Absent or the client the token was issued to (`sigma-iam`)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  client_id?: string;
}

export class LogoutRequest {
  @ApiProperty({ description: 'Any refresh token of the session to end' })
  @IsString()
  @Length(1, 512)
  refresh_token!: string;
}
