import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DEFAULT_PAGE_SIZE, DEFAULT_USER_SORT, totalPagesOf } from '@sigma/directory/domain';
import { Authenticated, Caller, CurrentCaller } from '@sigma/shared/util-auth';
import { TOTALS, userIdOf } from './users.controller';
import { AdminCreateUserRequest, AdminListUsersQuery, AdminUpdateUserRequest } from './users.request.dto';
import { AdminUser, adminUserOf } from './users.presenters';
import { FieldNames, UsersService } from './users.service';

const ADMIN_FIELDS: FieldNames = { roles: 'role', password: 'password' };
const OWN_TENANT = "Acts on the caller's own tenant.";

interface AdminPagination {
  page: number;
  limit: number;
  total: number;
  totalPages: number;
  /** Present (true) only when the total is an estimate (see TOTALS). */
  totalIsEstimate?: true;
}

/** Seed 002's user management under /api/admin/users, in its success envelope. */
@ApiTags('Admin: users')
@Controller('api/admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Authenticated('users:read')
  @ApiOperation({
    summary: 'Get users with pagination and filtering',
    description:
      'Seed 002 (users:read). page (from 1), limit (1-100, default 20), search (case-insensitive substring of email, first or last name; a 1-2 character ' +
      'term matches their start), role (name or slug), isActive (true|false); oldest first. Each user carries seed 002\'s fields plus username, roles (all) ' +
      `and permissions; role is the highest-level role. ${TOTALS} ${OWN_TENANT}`,
  })
  async list(@CurrentCaller() caller: Caller, @Query() query: AdminListUsersQuery): Promise<{ success: true; users: AdminUser[]; pagination: AdminPagination; message: string }> {
    const page = query.page ?? 1;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const result = await this.users.list(caller.tenantId, {
      page,
      limit,
      sort: DEFAULT_USER_SORT,
      search: query.search === '' ? undefined : query.search,
      role: query.role,
      isActive: query.isActive === undefined ? undefined : query.isActive === 'true',
    });
    return {
      success: true,
      users: result.views.map(adminUserOf),
      pagination: { page, limit, total: result.total, totalPages: totalPagesOf(result.total, limit), ...(result.totalIsEstimate ? { totalIsEstimate: true as const } : {}) },
      message: 'Users retrieved successfully',
    };
  }

  @Post()
  @Authenticated('users:write')
  @ApiOperation({
    summary: 'Create a new user',
    description:
      'Seed 002 (201; users:write). username defaults to the email; a taken email or username answers 409 CONFLICT. role: a role name or slug (default: user). ' +
      'sendWelcomeEmail is accepted, but the suite sends no email. Same password policy and no-escalation rule as POST /api/v1/users; publishes user.created. ' +
      OWN_TENANT,
  })
  async create(@CurrentCaller() caller: Caller, @Body() body: AdminCreateUserRequest): Promise<{ success: true; user: AdminUser; message: string }> {
    const view = await this.users.create(
      caller,
      caller.tenantId,
      {
        email: body.email,
        username: body.username,
        password: body.password,
        firstName: body.firstName,
        lastName: body.lastName,
        roles: body.role === undefined ? undefined : [body.role],
        emailVerified: body.isVerified,
        isActive: body.isActive,
      },
      ADMIN_FIELDS,
    );
    return { success: true, user: adminUserOf(view), message: 'User created successfully' };
  }

  @Put(':userId')
  @Authenticated('users:write')
  @ApiOperation({
    summary: 'Update an existing user',
    description:
      'Seed 002 (users:write). Optional email, username, firstName, lastName (null clears), role (replaces the roles with this one), isActive, isVerified, ' +
      `password. Unknown or other-tenant ids answer 404. Publishes user.updated with the changed field names. ${OWN_TENANT}`,
  })
  async update(@CurrentCaller() caller: Caller, @Param('userId') id: string, @Body() body: AdminUpdateUserRequest): Promise<{ success: true; user: AdminUser; message: string }> {
    const view = await this.users.update(
      caller,
      caller.tenantId,
      userIdOf(id),
      {
        email: body.email,
        username: body.username,
        password: body.password,
        firstName: body.firstName,
        lastName: body.lastName,
        roles: body.role === undefined ? undefined : [body.role],
        emailVerified: body.isVerified,
        isActive: body.isActive,
      },
      ADMIN_FIELDS,
    );
    return { success: true, user: adminUserOf(view), message: 'User updated successfully' };
  }

  @Delete(':userId')
  @HttpCode(200)
  @Authenticated('users:delete')
  @ApiOperation({ summary: 'Delete a user', description: `Seed 002 (200 {success, message}; users:delete). Publishes user.deleted. ${OWN_TENANT}` })
  async delete(@CurrentCaller() caller: Caller, @Param('userId') id: string): Promise<{ success: true; message: string }> {
    await this.users.delete(caller, caller.tenantId, userIdOf(id));
    return { success: true, message: 'User deleted successfully' };
  }
}
