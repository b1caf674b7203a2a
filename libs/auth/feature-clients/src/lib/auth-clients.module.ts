import { DynamicModule, Module } from '@nestjs/common';
import { DirectoryApiKeyClient } from '@sigma/auth/data-access-clients';
import { AdminApplicationsController } from './admin-applications.controller';
import { ApplicationsController } from './applications.controller';
import { ClientRegistry } from './client-registry.service';
import { InternalAllowedOriginsController } from './internal-allowed-origins.controller';
import { TenantApiKeyGuard } from './tenant-api-key.guard';
import { TenantClientsController } from './tenant-clients.controller';

export interface AuthClientsModuleOptions {
  /** user-directory's internal base URL (USER_DIRECTORY_URL), for verifying tenant API keys. */
  userDirectoryUrl: string;
  /** Per directory call (DIRECTORY_TIMEOUT_MS). */
  directoryTimeoutMs: number;
}

/**
 * The OAuth client registry: seed 000's /api/v1/applications, seed 002's
 * /api/admin/identity/applications and seed 003's /api/clients. Global, so the protocol endpoints
 * can inject ClientRegistry without importing this module. Needs AccessTokenModule in the service.
 */
@Module({})
export class AuthClientsModule {
  static with(options: AuthClientsModuleOptions): DynamicModule {
    return {
      module: AuthClientsModule,
      global: true,
      controllers: [ApplicationsController, AdminApplicationsController, TenantClientsController, InternalAllowedOriginsController],
      providers: [
        ClientRegistry,
        TenantApiKeyGuard,
        { provide: DirectoryApiKeyClient, useValue: new DirectoryApiKeyClient({ baseUrl: options.userDirectoryUrl, timeoutMs: options.directoryTimeoutMs }) },
      ],
      exports: [ClientRegistry, TenantApiKeyGuard, DirectoryApiKeyClient],
    };
  }
}
