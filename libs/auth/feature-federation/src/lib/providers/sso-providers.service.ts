import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateProviderKey, type SsoProviderRecord, SsoProviderRepository } from '@sigma/auth/data-access-federation';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FEDERATION_OPTIONS, type FederationOptions } from '../federation.options';
import { buildProviderSettings, providerKeyOf } from './provider-settings';
import type { PutSsoProviderRequest } from './sso-provider.request.dto';

/** A tenant's upstream providers: listed, created, or replaced by name. */
@Injectable()
export class SsoProvidersService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(FEDERATION_OPTIONS) private readonly options: FederationOptions,
  ) {}

  list(tenantId: string, enabled?: boolean): Promise<SsoProviderRecord[]> {
    return new SsoProviderRepository(this.dataSource.manager).list(tenantId, enabled);
  }

  /** Creates the provider, or replaces the tenant's provider of the same name; `created` tells which. */
  async put(tenantId: string, request: PutSsoProviderRequest): Promise<{ provider: SsoProviderRecord; created: boolean }> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const repository = new SsoProviderRepository(manager);
        const existing = await repository.findByKey(tenantId, providerKeyOf(request.name), { lock: true });
        const settings = buildProviderSettings(tenantId, request, existing, this.options.secretBox, new Date(), randomUUID());
        return { provider: await repository.save(settings, existing !== undefined), created: existing === undefined };
      });
    } catch (error) {
      if (isDuplicateProviderKey(error)) throw new DomainError(ErrorKind.CONFLICT, 'the provider was created concurrently; try again', { details: [{ field: 'name', message: 'is being created' }] });
      throw error;
    }
  }
}
