import { DynamicModule, Global, Module } from '@nestjs/common';
import { DIRECTORY_MIGRATIONS } from '@sigma/directory/data-access';
import { DIRECTORY_OPTIONS, DirectoryOptions } from '@sigma/directory/domain';
import { DirectoryAccessModule } from '@sigma/directory/feature-access';
import { DirectoryCredentialsModule } from '@sigma/directory/feature-credentials';
import { DirectoryPrivacyModule } from '@sigma/directory/feature-privacy';
import { DirectoryUsersModule } from '@sigma/directory/feature-users';
import { ServiceDefinition } from '@sigma/shared/feature-service-host';
import { AccessTokenModule, AccessTokenSettings } from '@sigma/shared/util-auth';
import { SecretBox, SecretsEncryptionSettings } from '@sigma/shared/util-crypto';
import { BOOTSTRAP_SETTINGS, BootstrapAdminService } from './bootstrap-admin.service';
import { BootstrapSettings } from './bootstrap.settings';
import { LoginProtectionSettings, loginProtectionOf } from './login-protection.settings';

const settings = { bootstrap: BootstrapSettings, tokens: AccessTokenSettings, secrets: SecretsEncryptionSettings, loginProtection: LoginProtectionSettings };
type DirectoryConfig = { bootstrap: BootstrapSettings; tokens: AccessTokenSettings; secrets: SecretsEncryptionSettings; loginProtection: LoginProtectionSettings };

@Global()
@Module({})
class DirectoryOptionsModule {
  static with(options: DirectoryOptions): DynamicModule {
    return { module: DirectoryOptionsModule, providers: [{ provide: DIRECTORY_OPTIONS, useValue: options }], exports: [DIRECTORY_OPTIONS] };
  }
}

@Module({})
class UserDirectoryModule {
  static with(config: DirectoryConfig): DynamicModule {
    return {
      module: UserDirectoryModule,
      imports: [
        AccessTokenModule.forSettings(config.tokens),
        DirectoryOptionsModule.with({
          bcryptCost: config.bootstrap.BCRYPT_COST,
          secretBox: SecretBox.fromEncodedKey(config.secrets.SECRETS_ENCRYPTION_KEY),
          loginProtection: loginProtectionOf(config.loginProtection),
        }),
        DirectoryUsersModule,
        DirectoryAccessModule,
        DirectoryCredentialsModule,
        DirectoryPrivacyModule,
      ],
      providers: [{ provide: BOOTSTRAP_SETTINGS, useValue: config.bootstrap }, BootstrapAdminService],
    };
  }
}

/** The system of record for tenants, users, credentials, roles and groups. */
export const userDirectory: ServiceDefinition<typeof settings> = {
  name: 'user-directory',
  defaultPort: 3002,
  schema: 'directory',
  migrations: DIRECTORY_MIGRATIONS,
  settings,
  edge: false,
  openApi: { title: 'Sigma IAM user directory', description: 'Tenants, users, credentials, roles, permissions and groups.' },
  rootModule: (config) => UserDirectoryModule.with(config),
};
