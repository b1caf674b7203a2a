import { DynamicModule, Module } from '@nestjs/common';
import { DIRECTORY_MIGRATIONS } from '@sigma/directory/data-access';
import { ServiceDefinition } from '@sigma/shared/feature-service-host';
import { BOOTSTRAP_SETTINGS, BootstrapAdminService } from './bootstrap-admin.service';
import { BootstrapSettings } from './bootstrap.settings';

@Module({})
class UserDirectoryModule {
  static with(settings: BootstrapSettings): DynamicModule {
    return {
      module: UserDirectoryModule,
      providers: [{ provide: BOOTSTRAP_SETTINGS, useValue: settings }, BootstrapAdminService],
    };
  }
}

const settings = { bootstrap: BootstrapSettings };

/** The system of record for tenants, users, credentials and roles. */
export const userDirectory: ServiceDefinition<typeof settings> = {
  name: 'user-directory',
  defaultPort: 3002,
  schema: 'directory',
  migrations: DIRECTORY_MIGRATIONS,
  settings,
  edge: false,
  openApi: { title: 'Sigma IAM user directory', description: 'Tenants, users, credentials, roles, permissions and groups.' },
  rootModule: (config) => UserDirectoryModule.with(config.bootstrap),
};
