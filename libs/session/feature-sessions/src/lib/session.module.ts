import { DynamicModule, Module } from '@nestjs/common';
import { AdminSessionsController } from './admin-sessions.controller';
import { IdentitySessionsController } from './identity-sessions.controller';
import { InternalSessionsController } from './internal-sessions.controller';
import { RevocationFeedService } from './revocation-feed.service';
import { SessionHousekeepingService } from './session-housekeeping.service';
import { SessionLifecycleService } from './session-lifecycle.service';
import { SESSION_CLOCK, SESSION_OPTIONS, SessionOptions } from './session.options';
import { SessionQueryService } from './session-query.service';
import { SessionTenantScope } from './tenant-scope';
import { PrivacyExportConsumer } from './privacy-export.consumer';
import { UserDeletedConsumer } from './user-deleted.consumer';

/** Sessions: the internal API, seed 001 and 002 routes, the user.deleted consumer and housekeeping. */
@Module({})
export class SessionsModule {
  static with(options: SessionOptions): DynamicModule {
    return {
      module: SessionsModule,
      controllers: [InternalSessionsController, IdentitySessionsController, AdminSessionsController],
      providers: [
        { provide: SESSION_OPTIONS, useValue: options },
        { provide: SESSION_CLOCK, useValue: () => new Date() },
        SessionLifecycleService,
        SessionQueryService,
        SessionTenantScope,
        RevocationFeedService,
        UserDeletedConsumer,
        PrivacyExportConsumer,
        SessionHousekeepingService,
      ],
    };
  }
}
