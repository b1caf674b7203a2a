import { Module } from '@nestjs/common';
import { ServiceDefinition } from '@sigma/shared/feature-service-host';

/** Session endpoints arrive with the session work; the service runs and owns its schema. */
@Module({})
class SessionServiceModule {}

/** Sessions, their policies, and revocation. */
export const sessionService: ServiceDefinition<Record<string, never>> = {
  name: 'session-service',
  defaultPort: 3003,
  schema: 'session',
  settings: {},
  edge: false,
  openApi: { title: 'Sigma IAM session service', description: 'Active sessions, their policies, and revocation.' },
  rootModule: () => SessionServiceModule,
};
