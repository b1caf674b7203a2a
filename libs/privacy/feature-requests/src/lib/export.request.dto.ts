import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export class ExportRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  user_id!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tenant_id!: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: '`csv` answers a zip with one CSV file per table.' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ type: [String], example: ['identity', 'profile', 'analytics'], description: 'Narrows the export; absent: everything held.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(/^[a-z][a-z0-9_-]{0,63}$/, { each: true, message: 'each entry of include_services must be a lowercase name' })
  include_services?: string[];
}

export class ErasureRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  user_id!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tenant_id!: string;

  @ApiPropertyOptional({ example: '123456', description: 'The code mailed by POST /privacy/data/verification; admins with privacy:erase may omit it.' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'verification_code must be 6 digits' })
  verification_code?: string;

  @ApiPropertyOptional({ example: 'User requested account deletion', description: 'Checked for length, never stored (free text may be personal).' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
