import { Injectable } from '@nestjs/common';
import { DirectoryBootstrapRepository, TenantChanges, TenantRecord, TenantScope, TenantsRepository } from '@sigma/directory/data-access';
import type { Caller } from '@sigma/shared/util-auth';
import { isUuid } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { DataSource } from 'typeorm';
import { CreateTenantRequest, UpdateTenantRequest } from './tenants.request.dto';

/** Tenant defaults (the columns' defaults in the directory schema). */
export const TENANT_DEFAULTS = { accessTokenTtl: 900, refreshTokenTtl: 2_592_000, idTokenTtl: 900 } as const;

/** A slug from a tenant name: `Acme Corp` → `acme-corp`. */
export function tenantSlugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

function tenantNotFound(): DomainError {
  return new DomainError(ErrorKind.NOT_FOUND, 'tenant not found');
}

/**
 * Tenants and their configuration. Creating and listing every tenant is for platform operators
 * (holders of `*` in the default tenant); anyone else reads only its own tenant.
 */
@Injectable()
export class TenantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scope: TenantScope,
  ) {}

  async assertPlatformOperator(caller: Caller): Promise<void> {
    if (!(await this.scope.isPlatformOperator(caller))) {
      throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'only platform operators manage every tenant');
    }
  }

  /** Creates the tenant and its system roles in one transaction. */
  async create(caller: Caller, request: CreateTenantRequest): Promise<TenantRecord> {
    await this.assertPlatformOperator(caller);
    const slug = request.slug ?? tenantSlugOf(request.name);
    if (slug === '' || isUuid(slug)) {
      throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field: 'slug', message: 'is required when the name yields no slug' }] });
    }
    return this.dataSource.transaction(async (manager) => {
      const tenant = await new TenantsRepository(manager).create({
        name: request.name.trim(),
        slug,
        domain: request.domain?.toLowerCase() ?? null,
        status: request.status ?? 'active',
        ipAllowList: request.ip_allow_list ?? [],
        redirectDomains: request.redirect_domains ?? [],
        rateLimitPerMinute: request.rate_limit?.requests_per_minute ?? null,
        rateLimitBurst: request.rate_limit?.burst ?? null,
        accessTokenTtl: request.token_lifetimes?.access_token ?? TENANT_DEFAULTS.accessTokenTtl,
        refreshTokenTtl: request.token_lifetimes?.refresh_token ?? TENANT_DEFAULTS.refreshTokenTtl,
        idTokenTtl: request.token_lifetimes?.id_token ?? TENANT_DEFAULTS.idTokenTtl,
      });
      await new DirectoryBootstrapRepository(manager).ensureSystemRoles(tenant.id);
      return tenant;
    });
  }

  async list(caller: Caller, page: number, limit: number): Promise<{ tenants: TenantRecord[]; total: number }> {
    await this.assertPlatformOperator(caller);
    return new TenantsRepository(this.dataSource.manager).list(page, limit);
  }

  /** The caller's own tenant, or any tenant for a platform operator (403 for another tenant otherwise). */
  async get(caller: Caller, id: string): Promise<TenantRecord> {
    if (!isUuid(id)) throw tenantNotFound();
    const tenantId = await this.scope.resolve(caller, id);
    const tenant = await new TenantsRepository(this.dataSource.manager).findById(tenantId);
    if (!tenant) throw tenantNotFound();
    return tenant;
  }

  /**
   * Changes a tenant's name and configuration: its own super-admin (tenants:write) or a platform
   * operator. Its domain and status decide where and whether the tenant works at all, so only
   * platform operators change those.
   */
  async update(caller: Caller, id: string, request: UpdateTenantRequest): Promise<TenantRecord> {
    if (!isUuid(id)) throw tenantNotFound();
    const tenantId = await this.scope.resolve(caller, id);
    if ((request.domain !== undefined || request.status !== undefined) && !(await this.scope.isPlatformOperator(caller))) {
      throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, "only platform operators change a tenant's domain or status");
    }
    const changes: TenantChanges = {
      name: request.name?.trim(),
      domain: request.domain === undefined ? undefined : (request.domain?.toLowerCase() ?? null),
      status: request.status,
      ipAllowList: request.ip_allow_list,
      redirectDomains: request.redirect_domains,
      rateLimitPerMinute: request.rate_limit === undefined ? undefined : (request.rate_limit?.requests_per_minute ?? null),
      rateLimitBurst: request.rate_limit === undefined ? undefined : (request.rate_limit?.burst ?? null),
      accessTokenTtl: request.token_lifetimes?.access_token,
      refreshTokenTtl: request.token_lifetimes?.refresh_token,
      idTokenTtl: request.token_lifetimes?.id_token,
    };
    const tenant = await new TenantsRepository(this.dataSource.manager).update(tenantId, changes);
    if (!tenant) throw tenantNotFound();
    return tenant;
  }

  /** For the internal API: by id, or by slug (`default`). */
  async findByIdOrSlug(idOrSlug: string): Promise<TenantRecord> {
    const repository = new TenantsRepository(this.dataSource.manager);
    const tenant = isUuid(idOrSlug) ? await repository.findById(idOrSlug.toLowerCase()) : await repository.findBySlug(idOrSlug);
    if (!tenant) throw tenantNotFound();
    return tenant;
  }
}
