import { DynamicModule, Module } from '@nestjs/common';
import { SESSION_MIGRATIONS } from '@sigma/session/data-access';
import { SessionSettings, SessionsModule } from '@sigma/session/feature-sessions';
import { DirectoryClientSettings } from '@sigma/shared/contracts-internal';
import { ServiceDefinition } from '@sigma/shared/feature-service-host';
import { AccessTokenModule, AccessTokenSettings } from '@sigma/shared/util-auth';

const settings = { sessions: SessionSettings, tokens: AccessTokenSettings, directory: DirectoryClientSettings };
type SessionServiceConfig = { sessions: SessionSettings; tokens: AccessTokenSettings; directory: DirectoryClientSettings };

@Module({})
class SessionServiceModule {
  static with(config: SessionServiceConfig): DynamicModule {
    const s = config.sessions;
    return {
      module: SessionServiceModule,
      imports: [
        AccessTokenModule.forSettings(config.tokens),
        SessionsModule.with({
          defaults: {
            idleTimeoutSeconds: s.SESSION_IDLE_TIMEOUT_SECONDS,
            absoluteLifetimeSeconds: s.SESSION_ABSOLUTE_LIFETIME_SECONDS,
            rememberMeLifetimeSeconds: s.SESSION_REMEMBER_ME_LIFETIME_SECONDS,
            maxSessions: s.SESSION_MAX_PER_USER,
          },
          revocationFeedWindowSeconds: s.REVOCATION_FEED_WINDOW_SECONDS,
          directory: { url: config.directory.USER_DIRECTORY_URL, timeoutMs: config.directory.DIRECTORY_TIMEOUT_MS },
        }),
      ],
    };
  }
}

/** Sessions, their policies, and revocation. */
export const sessionService: ServiceDefinition<typeof settings> = {
  name: 'session-service',
  defaultPort: 3003,
  schema: 'session',
  migrations: SESSION_MIGRATIONS,
  settings,
  edge: false,
  openApi: { title: 'Sigma IAM session service', description: 'Active sessions, their policies, and revocation; the internal session API and revocation feed.' },
  rootModule: (config) => SessionServiceModule.with(config),
};
