import { DynamicModule, Module } from '@nestjs/common';
import { PRIVACY_MIGRATIONS } from '@sigma/privacy/data-access';
import { PrivacyRequestsModule, privacyOptionsOf, PrivacySettings } from '@sigma/privacy/feature-requests';
import { DirectoryClientSettings } from '@sigma/shared/contracts-internal';
import { ServiceDefinition } from '@sigma/shared/feature-service-host';
import { AccessTokenModule, AccessTokenSettings } from '@sigma/shared/util-auth';

const settings = { privacy: PrivacySettings, directory: DirectoryClientSettings, access: AccessTokenSettings };
type PrivacyWorkerConfig = { privacy: PrivacySettings; directory: DirectoryClientSettings; access: AccessTokenSettings };

@Module({})
class PrivacyWorkerModule {
  static with(config: PrivacyWorkerConfig): DynamicModule {
    return {
      module: PrivacyWorkerModule,
      imports: [AccessTokenModule.forSettings(config.access), PrivacyRequestsModule.with(privacyOptionsOf(config.privacy, config.directory))],
    };
  }
}

/** Data subject access exports and the right to erasure. */
export const privacyWorker: ServiceDefinition<typeof settings> = {
  name: 'privacy-worker',
  defaultPort: 3004,
  schema: 'privacy',
  migrations: PRIVACY_MIGRATIONS,
  settings,
  edge: false,
  openApi: { title: 'Sigma IAM privacy worker', description: 'Data subject access exports and the right to erasure.' },
  rootModule: (config) => PrivacyWorkerModule.with(config),
};
