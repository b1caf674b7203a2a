import { Module } from '@nestjs/common';
import { TenantScope } from '@sigma/directory/data-access';
import { DataSource } from 'typeorm';
import { AdminAccessController } from './admin-access.controller';
import { GroupsService } from './groups.service';
import { PermissionCatalogueService } from './permission-catalogue.service';
import { RolesController } from './roles.controller';
import { RolesService } from './roles.service';

/** Roles, groups, the permission catalogue and role assignment. */
@Module({
  controllers: [RolesController, AdminAccessController],
  providers: [
    RolesService,
    GroupsService,
    PermissionCatalogueService,
    { provide: TenantScope, useFactory: (dataSource: DataSource) => new TenantScope(dataSource), inject: [DataSource] },
  ],
})
export class DirectoryAccessModule {}
