import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ClientProtocolOptionsRequest } from './client-options.request.dto';

/** Seed 003's create body (`name`, `redirect_uris`, `allowed_scopes`), plus the registry's optional settings. */
export class CreateTenantClientRequest extends ClientProtocolOptionsRequest {
  @ApiProperty({ example: 'My Application' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
}
