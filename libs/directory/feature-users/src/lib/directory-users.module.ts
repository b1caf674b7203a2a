import { Module } from '@nestjs/common';
import { TenantScope } from '@sigma/directory/data-access';
import { DataSource } from 'typeorm';
import { AdminUsersController } from './admin-users.controller';
import { ApiKeysService } from './api-keys.service';
import { InternalTenantsController } from './internal-tenants.controller';
import { InternalUsersController } from './internal-users.controller';
import { InternalUsersService } from './internal-users.service';
import { ProfileController } from './profile.controller';
import { TenantApiUsersController } from './tenant-api-users.controller';
import { TenantsController } from './tenants.controller';
import { TenantsService } from './tenants.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Users, tenants, tenant API keys and profiles (/me), under /api/v1, /api/admin and seed 003's /api/users. */
@Module({
  controllers: [UsersController, AdminUsersController, ProfileController, TenantsController, TenantApiUsersController, InternalTenantsController, InternalUsersController],
  providers: [{ provide: TenantScope, useFactory: (dataSource: DataSource) => new TenantScope(dataSource), inject: [DataSource] }, UsersService, TenantsService, ApiKeysService, InternalUsersService],
})
export class DirectoryUsersModule {}
