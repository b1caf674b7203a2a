import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ClientProtocolOptionsRequest } from './client-options.request.dto';

/** Seed 000's ApplicationCreateRequest, plus the registry's optional settings. */
export class CreateApplicationRequest extends ClientProtocolOptionsRequest {
  @ApiProperty({ example: 'My Application' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  client_name!: string;
}

/** Seed 000's list query: `page` and `size` (`limit` accepted as in the users list), at most 100 a page. */
export class ListApplicationsRequest {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  size?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'Same as size.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
