import { Module } from '@nestjs/common';
import { PRIVACY_MIGRATIONS } from '@sigma/privacy/data-access';
import { ServiceDefinition } from '@sigma/shared/feature-service-host';
import { DataSubjectsConsumer } from './data-subjects.consumer';

@Module({ providers: [DataSubjectsConsumer] })
class PrivacyWorkerModule {}

/** Data subject access exports and the right to erasure. */
export const privacyWorker: ServiceDefinition<Record<string, never>> = {
  name: 'privacy-worker',
  defaultPort: 3004,
  schema: 'privacy',
  migrations: PRIVACY_MIGRATIONS,
  settings: {},
  edge: false,
  openApi: { title: 'Sigma IAM privacy worker', description: 'Data subject access exports and the right to erasure.' },
  rootModule: () => PrivacyWorkerModule,
};
