import { Injectable } from '@nestjs/common';
import { GroupsRepository } from '@sigma/directory/data-access';
import { PermissionDefinition, SYSTEM_PERMISSIONS } from '@sigma/directory/domain';
import { Caller, isPermission } from '@sigma/shared/util-auth';
import { DataSource } from 'typeorm';

/**
 * The permission catalogue of a tenant: the suite's own permissions, then every other well-formed
 * `resource:action` its roles and groups use (the tenant's application permissions). Wildcards
 * (`*`, `resource:*`) are grants, not catalogue entries.
 */
@Injectable()
export class PermissionCatalogueService {
  constructor(private readonly dataSource: DataSource) {}

  async catalogue(caller: Caller, module?: string): Promise<{ permissions: PermissionDefinition[]; modules: string[] }> {
    const known = new Set(SYSTEM_PERMISSIONS.map((permission) => permission.id));
    const custom = (await new GroupsRepository(this.dataSource.manager).permissionsInUse(caller.tenantId))
      .filter((id) => isPermission(id) && id !== '*' && !id.endsWith(':*') && !known.has(id))
      .map((id): PermissionDefinition => {
        const [resource, action] = id.split(':');
        return { id, module: resource, action, description: `Custom permission: ${action} on ${resource}` };
      })
      .sort((a, b) => a.module.localeCompare(b.module) || a.action.localeCompare(b.action));
    const all = [...SYSTEM_PERMISSIONS, ...custom];
    return {
      permissions: module === undefined ? all : all.filter((permission) => permission.module === module),
      modules: [...new Set(all.map((permission) => permission.module))],
    };
  }
}
