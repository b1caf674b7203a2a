import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FederatedLoginRequest, FederatedLoginResponse, IdentityResponse, VerifyPasswordRequest, VerifySecondFactorRequest } from '@sigma/shared/contracts-internal';
import { isUuid } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { IsUUID } from 'class-validator';
import { CredentialVerificationService } from './credential-verification.service';
import { FederatedLoginService } from './federated-login.service';

class UserClaimsQuery {
  @IsUUID()
  tenant_id!: string;
}

/**
 * auth-server's internal credential API (contracts-internal DIRECTORY_INTERNAL_ROUTES). Served
 * under /internal/v1, which the gateway never routes and whose OpenAPI paths it never publishes.
 */
@ApiTags('internal: credentials')
@Controller('internal/v1')
export class InternalCredentialsController {
  constructor(
    private readonly verification: CredentialVerificationService,
    private readonly federated: FederatedLoginService,
  ) {}

  @Post('credentials/password/verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify a password',
    description:
      'By email or username (case-insensitive) in tenant_id, else the default tenant. 401 INVALID_CREDENTIALS for an unknown user or a wrong password ' +
      '(same answer, same cost); 403 for a disabled account or suspended tenant (only after a right password); 429 with retry_after while the account ' +
      'is locked: the 5th consecutive failure locks it for 30 s, each further failure doubles the lock, up to 15 min (unknown identifiers alike). ' +
      'client_ip: 20 failures from one address within 15 minutes of each other lock the address the same way. Success resets the account count; ' +
      'last_login is set here unless a second factor is enrolled (then by the second-factor step).',
  })
  verifyPassword(@Body() body: VerifyPasswordRequest): Promise<IdentityResponse> {
    return this.verification.verifyPassword(body);
  }

  @Post('credentials/second-factor/verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify a TOTP or recovery code',
    description:
      'Exactly one of totp_code (RFC 6238, 30 s steps, ±1 step; a code of an already used or earlier step is refused) and recovery_code ' +
      '(single use). 401 INVALID_CREDENTIALS when wrong; failures count toward the same lockout as passwords. Success sets last_login.',
  })
  verifySecondFactor(@Body() body: VerifySecondFactorRequest): Promise<IdentityResponse> {
    return this.verification.verifySecondFactor(body);
  }

  @Get('users/:id/claims')
  @ApiOperation({ summary: "A user's current claims", description: 'Identity, role names, effective permissions and enrolled second factors; 404 for an unknown id or a user of another tenant.' })
  claims(@Param('id') id: string, @Query() query: UserClaimsQuery): Promise<IdentityResponse> {
    if (!isUuid(id)) throw new DomainError(ErrorKind.NOT_FOUND, 'user not found');
    return this.verification.claimsOf(query.tenant_id, id);
  }

  @Post('users/federated-login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with an upstream identity',
    description:
      'The user linked to (issuer, subject) in tenant_id. A new identity is linked to the user with the same email only with link_by_email and ' +
      'email_verified; otherwise, with allow_signup, a new user without password is created (default roles, user.created) and linked. 409 CONFLICT ' +
      'when the email belongs to an account the identity may not be linked to; 403 when sign-up is disabled, the account is disabled or the tenant ' +
      'suspended; 404 for an unknown tenant. Sets last_login.',
  })
  federatedLogin(@Body() body: FederatedLoginRequest): Promise<FederatedLoginResponse> {
    return this.federated.signIn(body);
  }
}
