import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, Caller, CurrentCaller } from '@sigma/shared/util-auth';
import { roleV1Of } from './access.presenters';
import { AssignRolesRequest, CreateRoleRequest, TenantQuery } from './role.request.dto';
import { RolesService } from './roles.service';

const PERMISSION_FORMS =
  'Permissions are resource:action (users:read), resource:* or *; seed 004\'s dotted form (user.read) is accepted and stored as user:read, which the answer shows. ';
const NO_ESCALATION = 'A caller may include suite permissions (users, roles, groups, tenants, ...) only if it holds them itself, and * only if it holds *; other resources are free. ';
const TENANT = 'tenant_id (query) lets a platform operator act on another tenant; anyone else naming another tenant gets 403.';

/** Seed 004's roles under /api/v1 and role assignment (seed 004, and the seed 000 SDK's assignRole). */
@ApiTags('Roles')
@Controller('api/v1')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get('roles')
  @Authenticated('roles:read')
  @ApiOperation({ summary: 'List roles', description: `Seed 004. Every role of the tenant, system roles included (roles:read). ${TENANT}` })
  async list(@CurrentCaller() caller: Caller, @Query() query: TenantQuery): Promise<{ data: Array<ReturnType<typeof roleV1Of>> }> {
    return { data: (await this.roles.list(caller, { tenantId: query.tenant_id })).map(roleV1Of) };
  }

  @Post('roles')
  @Authenticated('roles:write')
  @ApiOperation({
    summary: 'Create a role',
    description: `Seed 004 (201; roles:write). The slug is derived from the name; a name or slug already used in the tenant answers 409. ${PERMISSION_FORMS}${NO_ESCALATION}${TENANT}`,
  })
  async create(@CurrentCaller() caller: Caller, @Body() body: CreateRoleRequest, @Query() query: TenantQuery): Promise<ReturnType<typeof roleV1Of>> {
    return roleV1Of(await this.roles.create(caller, body, query.tenant_id));
  }

  @Post('users/:id/roles')
  @HttpCode(200)
  @Authenticated('users:write', 'roles:write')
  @ApiOperation({
    summary: 'Assign roles to a user',
    description:
      'Seed 004 `{role_ids}` or the seed 000 SDK\'s `{role: "name"}` (name or slug), exactly one (users:write and roles:write). Adds the roles; roles ' +
      'already held stay, so the call is idempotent. Answers every role the user now holds. A role id or name of another tenant, or an unknown user, ' +
      `answers 404 and assigns nothing. ${NO_ESCALATION}Publishes user.updated (changed_fields ["roles"]) when a role was added. ${TENANT}`,
  })
  assign(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: AssignRolesRequest, @Query() query: TenantQuery): Promise<{ user_id: string; roles: Array<{ id: string; name: string }> }> {
    return this.roles.assign(caller, id, { roleIds: body.role_ids, role: body.role }, query.tenant_id);
  }
}
