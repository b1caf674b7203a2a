import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TenantScope } from '@sigma/directory/data-access';
import { pageSizeOf, parseUserFilter, parseUserSort, totalPagesOf, USER_FILTER_KEYS, USER_SORT_FIELDS } from '@sigma/directory/domain';
import { Authenticated, Caller, CurrentCaller, isUuid } from '@sigma/shared/util-auth';
import { CreateUserRequest, ListUsersQuery, TenantQuery, UpdateUserRequest } from './users.request.dto';
import { PaginationV1, UserV1, userV1Of } from './users.presenters';
import { notFound, UsersService } from './users.service';

export const TENANT_PARAMETER = 'tenant_id lets a platform operator (a holder of * in the default tenant) act on another tenant; anyone else naming another tenant gets 403.';
const PASSWORD_POLICY =
  'Password policy: 8 characters to 72 bytes (bcrypt), not a breached or common password in any decoration (Password123!, p@ssw0rd), not a keyboard run or ' +
  'repetition, not built on the email, username or names; a violation is a 400 VALIDATION_ERROR with details [{field: "password", message}].';
export const TOTALS =
  'Totals are exact, except for a filtered list in a tenant of more than 20,000 users that matches more than 1,000 of them: its total is the ' +
  "database planner's estimate, flagged total_is_estimate: true (totalIsEstimate in seed 002's body).";
const NO_ESCALATION = 'A caller grants only roles whose permissions it holds itself, and changes or deletes only users who hold nothing more than it does (403 otherwise).';

/** A user id from the path: anything but a UUID names no user. */
export function userIdOf(id: string): string {
  if (!isUuid(id)) throw notFound();
  return id.toLowerCase();
}

/** Users under /api/v1 (seeds 000 and 004), in API.md's union user object. */
@ApiTags('Users')
@Controller('api/v1/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly scope: TenantScope,
  ) {}

  @Get()
  @Authenticated('users:read')
  @ApiOperation({
    summary: 'List users with filtering and pagination',
    description:
      `Seeds 000 and 004 (users:read). page (from 1), size or limit (1-100, default 20; both given must agree), sort=field:asc|desc on ${USER_SORT_FIELDS.join(', ')} ` +
      `(default created_at:asc), filter=key:value,... on ${USER_FILTER_KEYS.join(', ')} (search: case-insensitive substring of email, first or last name, ` +
      'a 1-2 character term matches their start; role: name or slug; email, username: exact, case-insensitive). Answers {data, pagination: {page, limit, size, ' +
      `total, total_pages}}. ${TOTALS} ${TENANT_PARAMETER}`,
  })
  async list(@CurrentCaller() caller: Caller, @Query() query: ListUsersQuery): Promise<{ data: UserV1[]; pagination: PaginationV1 }> {
    const limit = pageSizeOf(query.size, query.limit);
    const criteria = { page: query.page ?? 1, limit, sort: parseUserSort(query.sort), ...parseUserFilter(query.filter) };
    const tenantId = await this.scope.resolve(caller, query.tenant_id);
    const result = await this.users.list(tenantId, criteria);
    return {
      data: result.views.map(userV1Of),
      pagination: {
        page: criteria.page,
        limit,
        size: limit,
        total: result.total,
        total_pages: totalPagesOf(result.total, limit),
        ...(result.totalIsEstimate ? { total_is_estimate: true as const } : {}),
      },
    };
  }

  @Post()
  @Authenticated('users:write')
  @ApiOperation({
    summary: 'Create a user',
    description:
      'Seeds 000 and 004 (201; users:write). username defaults to the email; email and username are unique per tenant, case-insensitive (409 CONFLICT naming ' +
      'the field). Emails are stored lower-case. roles are role names or slugs of the tenant (unknown: 400); none given: the default role user. full_name ' +
      `is split into first and last name at its first space when those are absent. Publishes user.created. ${PASSWORD_POLICY} ${NO_ESCALATION} ` +
      'tenant_id (body) lets a platform operator create the user in another tenant; anyone else naming another tenant gets 403.',
  })
  async create(@CurrentCaller() caller: Caller, @Body() body: CreateUserRequest): Promise<UserV1> {
    const tenantId = await this.scope.resolve(caller, body.tenant_id);
    const view = await this.users.create(caller, tenantId, {
      email: body.email,
      username: body.username,
      password: body.password,
      firstName: body.first_name,
      lastName: body.last_name,
      fullName: body.full_name,
      roles: body.roles,
      emailVerified: body.email_verified,
      isActive: body.is_active,
    });
    return userV1Of(view);
  }

  @Get(':user_id')
  @Authenticated('users:read')
  @ApiOperation({ summary: 'Get user by ID', description: `Seeds 000 and 004 (users:read). A user of another tenant, or a malformed id, answers 404. ${TENANT_PARAMETER}` })
  async get(@CurrentCaller() caller: Caller, @Param('user_id') id: string, @Query() query: TenantQuery): Promise<UserV1> {
    const userId = userIdOf(id);
    return userV1Of(await this.users.get(await this.scope.resolve(caller, query.tenant_id), userId));
  }

  @Put(':user_id')
  @Authenticated('users:write')
  @ApiOperation({
    summary: 'Update user',
    description:
      'Seeds 000 and 004 (users:write). Every field is optional and only the given ones change: email, username, first_name, last_name (null clears), ' +
      'full_name, email_verified, is_active, roles (replaces the set), password. A new email is unverified unless email_verified is given. Publishes ' +
      `user.updated with the names of the changed fields when something changed. ${PASSWORD_POLICY} ${NO_ESCALATION} ${TENANT_PARAMETER}`,
  })
  async update(@CurrentCaller() caller: Caller, @Param('user_id') id: string, @Body() body: UpdateUserRequest, @Query() query: TenantQuery): Promise<UserV1> {
    const userId = userIdOf(id);
    const tenantId = await this.scope.resolve(caller, query.tenant_id);
    const view = await this.users.update(caller, tenantId, userId, {
      email: body.email,
      username: body.username,
      password: body.password,
      firstName: body.first_name,
      lastName: body.last_name,
      fullName: body.full_name,
      roles: body.roles,
      emailVerified: body.email_verified,
      isActive: body.is_active,
    });
    return userV1Of(view);
  }

  @Delete(':user_id')
  @HttpCode(204)
  @Authenticated('users:delete')
  @ApiOperation({
    summary: 'Delete user',
    description: `Seeds 000 and 004 (204; users:delete). The user, its credentials, memberships and second factors are removed; publishes user.deleted. ${NO_ESCALATION} ${TENANT_PARAMETER}`,
  })
  async delete(@CurrentCaller() caller: Caller, @Param('user_id') id: string, @Query() query: TenantQuery): Promise<void> {
    const userId = userIdOf(id);
    await this.users.delete(caller, await this.scope.resolve(caller, query.tenant_id), userId);
  }
}
