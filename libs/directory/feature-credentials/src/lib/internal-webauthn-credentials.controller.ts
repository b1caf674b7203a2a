import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AddWebauthnCredentialRequest,
  IdentityResponse,
  RecordWebauthnUseRequest,
  WebauthnCredentialListResponse,
  WebauthnCredentialResponse,
} from '@sigma/shared/contracts-internal';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { WebauthnCredentialsService } from './webauthn-credentials.service';

class TenantQuery {
  @IsUUID()
  tenant_id!: string;
}

class OwnerQuery extends TenantQuery {
  @IsUUID()
  user_id!: string;
}

class CredentialListQuery extends TenantQuery {
  @IsOptional()
  @IsUUID()
  user_id?: string;

  @IsOptional()
  @IsString()
  @Length(1, 320)
  username?: string;
}

/**
 * auth-server's internal passkey API (contracts-internal DIRECTORY_INTERNAL_ROUTES.webauthn*),
 * under /internal/v1, which the gateway never routes.
 */
@ApiTags('internal: credentials')
@Controller('internal/v1/webauthn/credentials')
export class InternalWebauthnCredentialsController {
  constructor(private readonly credentials: WebauthnCredentialsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Store a verified passkey', description: '404 for an unknown user of the tenant; 409 when the credential id is registered already.' })
  add(@Body() body: AddWebauthnCredentialRequest): Promise<WebauthnCredentialResponse> {
    return this.credentials.add(body);
  }

  @Get()
  @ApiOperation({ summary: "A user's passkeys", description: 'By user_id or by username (email or username, case-insensitive); an unknown user answers user_id null and no credentials.' })
  list(@Query() query: CredentialListQuery): Promise<WebauthnCredentialListResponse> {
    if ((query.user_id === undefined) === (query.username === undefined)) {
      throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field: 'user_id', message: 'exactly one of user_id and username is required' }] });
    }
    return this.credentials.list(query.tenant_id, { userId: query.user_id, username: query.username });
  }

  @Get(':credentialId')
  @ApiOperation({ summary: 'A passkey by credential id', description: '404 when the tenant has no such credential.' })
  find(@Param('credentialId') credentialId: string, @Query() query: TenantQuery): Promise<WebauthnCredentialResponse> {
    return this.credentials.find(query.tenant_id, credentialId);
  }

  @Delete(':credentialId')
  @ApiOperation({ summary: "Remove a user's passkey", description: 'Answers the removed credential; 404 unless the tenant has it for that user.' })
  remove(@Param('credentialId') credentialId: string, @Query() query: OwnerQuery): Promise<WebauthnCredentialResponse> {
    return this.credentials.remove(query.tenant_id, query.user_id, credentialId);
  }

  @Post(':credentialId/use')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record a verified passkey sign-in',
    description:
      'Raises the signature counter atomically (409 CONFLICT when it did not increase, unless both are 0), records the use and last_login, and answers ' +
      "the user's claims. 403 for a disabled account or suspended tenant; 404 for an unknown credential.",
  })
  recordUse(@Param('credentialId') credentialId: string, @Body() body: RecordWebauthnUseRequest): Promise<IdentityResponse> {
    return this.credentials.recordUse(credentialId, body);
  }
}
