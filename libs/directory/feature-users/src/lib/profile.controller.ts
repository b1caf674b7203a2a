import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, Caller, CurrentCaller } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { UpdateProfileRequest } from './users.request.dto';
import { UserV1, userV1Of } from './users.presenters';
import { UsersService } from './users.service';

function userOf(caller: Caller): string {
  if (caller.userId === undefined) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'this endpoint needs an access token issued to a user');
  return caller.userId;
}

/** The signed-in user's own profile: the seed 000 SDK's getProfile, updateProfile and getUserRoles. */
@ApiTags('Profile')
@Controller('api/v1/me')
export class ProfileController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Authenticated()
  @ApiOperation({
    summary: 'Get my profile',
    description: "The seed 000 SDK's getProfile (seed 000 lists no such endpoint). Any user's access token; answers the user object of GET /api/v1/users/{id}. A client-credentials token answers 403.",
  })
  async get(@CurrentCaller() caller: Caller): Promise<UserV1> {
    return userV1Of(await this.users.get(caller.tenantId, userOf(caller)));
  }

  @Patch()
  @Authenticated()
  @ApiOperation({
    summary: 'Update my profile',
    description:
      "The seed 000 SDK's updateProfile. first_name, last_name, full_name (split at the first space when first and last are absent), each also in the SDK's " +
      'camelCase (firstName, lastName, fullName), and username (unique in the tenant: 409). Email, roles, activation and verification are not changed here ' +
      '(unknown fields answer 400). Publishes user.updated with the changed field names.',
  })
  async update(@CurrentCaller() caller: Caller, @Body() body: UpdateProfileRequest): Promise<UserV1> {
    const view = await this.users.update(undefined, caller.tenantId, userOf(caller), {
      firstName: body.first_name !== undefined ? body.first_name : body.firstName,
      lastName: body.last_name !== undefined ? body.last_name : body.lastName,
      fullName: body.full_name !== undefined ? body.full_name : body.fullName,
      username: body.username,
    });
    return userV1Of(view);
  }

  @Get('roles')
  @Authenticated()
  @ApiOperation({
    summary: 'Get my roles',
    description: "The seed 000 SDK's getUserRoles. Any user's access token. Answers {user_id, roles: [{id, name, slug}], permissions} (effective permissions of roles and groups).",
  })
  async roles(@CurrentCaller() caller: Caller): Promise<{ user_id: string; roles: Array<{ id: string; name: string; slug: string }>; permissions: string[] }> {
    const view = await this.users.get(caller.tenantId, userOf(caller));
    return { user_id: view.user.id, roles: view.access.roles.map(({ id, name, slug }) => ({ id, name, slug })), permissions: view.access.permissions };
  }
}
