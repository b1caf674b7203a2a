import { Module } from '@nestjs/common';
import { AUTH_MIGRATIONS } from '@sigma/auth/data-access';
import { ServiceDefinition } from '@sigma/shared/feature-service-host';

/** Protocol endpoints arrive with the OAuth 2.1 / OpenID Connect work; the service runs and owns its schema. */
@Module({})
class AuthServerModule {}

/** The OAuth 2.1 / OpenID Connect authorization server and the login APIs. */
export const authServer: ServiceDefinition<Record<string, never>> = {
  name: 'auth-server',
  defaultPort: 3001,
  schema: 'auth',
  migrations: AUTH_MIGRATIONS,
  settings: {},
  edge: false,
  openApi: { title: 'Sigma IAM authorization server', description: 'OAuth 2.1 and OpenID Connect endpoints, login APIs, passkeys and social login.' },
  rootModule: () => AuthServerModule,
};
