import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdentifierUserRequest, IdentifierUserResponse, IdentityResponse, RegisterUserRequest } from '@sigma/shared/contracts-internal';
import { InternalUsersService } from './internal-users.service';

/** auth-server's internal user-creation API (contracts-internal DIRECTORY_INTERNAL_ROUTES), under /internal/v1. */
@ApiTags('internal: users')
@Controller('internal/v1/users')
export class InternalUsersController {
  constructor(private readonly users: InternalUsersService) {}

  @Post('register')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register a user (self-registration)',
    description:
      'IdentityResponse of the new user: email unverified, the named role (which must hold no suite permission: 403 otherwise), the password policy ' +
      'applied (400 naming password). 409 CONFLICT when the email is taken in the tenant; 403 when the tenant is suspended; 404 unknown tenant.',
  })
  register(@Body() body: RegisterUserRequest): Promise<IdentityResponse> {
    return this.users.register(body);
  }

  @Post('by-identifier')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The user an identifier names, created on first use',
    description:
      'By username, case-insensitive. A new user has no password (it cannot sign in with one), the tenant\'s default roles and a placeholder email in ' +
      'the reserved .invalid domain; created tells whether this call created it. A user holding suite permissions (an administrator) is 403.',
  })
  byIdentifier(@Body() body: IdentifierUserRequest): Promise<IdentifierUserResponse> {
    return this.users.byIdentifier(body);
  }
}
