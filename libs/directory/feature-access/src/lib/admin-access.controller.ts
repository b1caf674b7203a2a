import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PermissionDefinition } from '@sigma/directory/domain';
import { Authenticated, Caller, CurrentCaller } from '@sigma/shared/util-auth';
import { adminGroupOf, adminRoleOf } from './access.presenters';
import { GroupsService } from './groups.service';
import { PermissionCatalogueService } from './permission-catalogue.service';
import { AdminCreateGroupRequest, AdminCreateRoleRequest, AdminRolesQuery, PermissionsQuery } from './role.request.dto';
import { RolesService } from './roles.service';

const GRANTS =
  'Permissions are resource:action (content:read), resource:* or *; the dotted form (content.read) is stored as content:read. A caller may include ' +
  'suite permissions (users, roles, groups, tenants, ...) only if it holds them itself, and * only if it holds *. A slug (derived from the name when ' +
  'absent) or name already used in the tenant answers 409. Creating one changes nobody\'s permissions, so no event is published.';

/** Seed 002's roles, permission catalogue and groups, in the caller's own tenant. */
@ApiTags('Roles & Permissions (admin)')
@Controller('api/admin/identity')
export class AdminAccessController {
  constructor(
    private readonly roles: RolesService,
    private readonly groups: GroupsService,
    private readonly catalogue: PermissionCatalogueService,
  ) {}

  @Get('roles')
  @Authenticated('roles:read')
  @ApiOperation({ summary: 'List roles', description: 'Seed 002 (roles:read). includeSystem=false leaves out system roles. Highest level first; userCount counts the tenant\'s users holding the role.' })
  async listRoles(@CurrentCaller() caller: Caller, @Query() query: AdminRolesQuery): Promise<{ success: true; roles: Array<Record<string, unknown>>; message: string }> {
    const roles = await this.roles.list(caller, { includeSystem: query.includeSystem !== 'false' });
    return { success: true, roles: roles.map(adminRoleOf), message: 'Roles retrieved successfully' };
  }

  @Post('roles')
  @Authenticated('roles:write')
  @ApiOperation({ summary: 'Create a role', description: `Seed 002 (201; roles:write). level 1–99, 60 when absent. ${GRANTS}` })
  async createRole(@CurrentCaller() caller: Caller, @Body() body: AdminCreateRoleRequest): Promise<{ success: true; role: Record<string, unknown>; message: string }> {
    return { success: true, role: adminRoleOf(await this.roles.create(caller, body)), message: 'Role created successfully' };
  }

  @Get('permissions')
  @Authenticated('permissions:read')
  @ApiOperation({
    summary: 'The permission catalogue',
    description:
      'Seed 002 (permissions:read). The suite\'s own permissions, then each other resource:action the tenant\'s roles and groups use. module filters ' +
      'the permissions (an unknown module gives an empty list); modules always lists every module of the catalogue.',
  })
  async permissions(
    @CurrentCaller() caller: Caller,
    @Query() query: PermissionsQuery,
  ): Promise<{ success: true; permissions: PermissionDefinition[]; modules: string[]; message: string }> {
    const { permissions, modules } = await this.catalogue.catalogue(caller, query.module);
    return { success: true, permissions, modules, message: query.module === undefined ? 'All permissions retrieved successfully' : 'Permissions retrieved successfully' };
  }

  @Get('groups')
  @Authenticated('groups:read')
  @ApiOperation({ summary: 'List user groups', description: 'Seed 002 (groups:read). By name; userCount counts the tenant\'s users in the group.' })
  async listGroups(@CurrentCaller() caller: Caller): Promise<{ success: true; groups: Array<Record<string, unknown>>; message: string }> {
    return { success: true, groups: (await this.groups.list(caller)).map(adminGroupOf), message: 'User groups retrieved successfully' };
  }

  @Post('groups')
  @Authenticated('groups:write')
  @ApiOperation({ summary: 'Create a user group', description: `Seed 002 (201; groups:write). ${GRANTS}` })
  async createGroup(@CurrentCaller() caller: Caller, @Body() body: AdminCreateGroupRequest): Promise<{ success: true; group: Record<string, unknown>; message: string }> {
    return { success: true, group: adminGroupOf(await this.groups.create(caller, body)), message: 'User group created successfully' };
  }
}
