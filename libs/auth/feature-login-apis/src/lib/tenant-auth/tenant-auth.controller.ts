import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiKeyTenant, ApiKeyTenantOf, TenantApiKey } from '@sigma/auth/feature-clients';
import { CurrentRequest, RequestMeta } from '@sigma/auth/feature-tokens';
import { IsString, Length } from 'class-validator';
import { TenantAuthService } from './tenant-auth.service';

export class CreateTokenRequest {
  @ApiProperty({ description: "The user's unique identifier in the tenant (its username); created at its first use" })
  @IsString()
  @Length(1, 255)
  identifier!: string;
}

export class CreateTokenResponse {
  @ApiProperty({ description: "RFC 9068 access token (typ at+jwt) for the identifier's user, valid the tenant's access-token lifetime" })
  token!: string;
}

class TenantSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class ValidateKeyResponse {
  @ApiProperty({ type: TenantSummary }) tenant!: TenantSummary;
}

const KEY_RULES =
  "A missing, unknown or revoked key is 401; a client address outside the tenant's ip_allow_list is 403 (the address is the gateway's X-Forwarded-For); " +
  'errors in seed 003\'s {error, error_description}; 503 while the directory cannot answer.';

@ApiTags('Tenant API: authentication')
@Controller('api/auth')
export class TenantAuthController {
  constructor(private readonly auth: TenantAuthService) {}

  @Post('create')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @TenantApiKey('x-api-key')
  @ApiOperation({
    summary: 'Create an authentication token',
    description:
      "Seed 003. X-API-Key and {identifier} → {token}: a JWT access token for the identifier's user in the key's tenant, issued by the tenant's issuer " +
      "with the tenant's access-token lifetime; client_id is tenant-api-key:<key id>, amr api_key, and sid a session that ends with the token. The user " +
      '(username = identifier) is created without a password at the first use. A user holding administrative (suite) permissions is 403: an API ' +
      'key never mints an administrator\'s token. ' +
      KEY_RULES,
  })
  @ApiOkResponse({ type: CreateTokenResponse })
  async create(@ApiKeyTenantOf() key: ApiKeyTenant, @Body() body: CreateTokenRequest, @CurrentRequest() request: RequestMeta): Promise<CreateTokenResponse> {
    const { token, claims } = await this.auth.create(key, body.identifier, { requestId: request.requestId });
    request.identify({ tenantId: key.tenantId, userId: claims.user_id });
    return { token };
  }

  @Post('validate')
  @HttpCode(200)
  @TenantApiKey('bearer')
  @ApiOperation({ summary: 'Validate an API key', description: 'Seed 003. Authorization: Bearer <api key> → {tenant: {id, name}}. ' + KEY_RULES })
  @ApiOkResponse({ type: ValidateKeyResponse })
  validate(@ApiKeyTenantOf() key: ApiKeyTenant): ValidateKeyResponse {
    return { tenant: { id: key.tenantId, name: key.tenantName } };
  }
}
