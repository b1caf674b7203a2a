import { Inject, Injectable } from '@nestjs/common';
import { AuthErrors } from '@sigma/auth/domain';
import type { CallContext } from '@sigma/auth/data-access';
import type { TenantResponse } from '@sigma/shared/contracts-internal';
import { isUuid } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, Clock, CLOCK } from '../auth-tokens.options';

/** How long a tenant's record (token lifetimes) is reused before the directory is asked again. */
const TENANT_TTL_MS = 30000;
const MAX_CACHED = 1000;

interface Cached {
  tenant: TenantResponse;
  until: number;
}

/**
 * Tenants as the directory knows them, by id or, when none is named, the `default` tenant.
 * Answers are reused for 30 s (a changed token lifetime applies within that); unknown tenants are
 * never cached. An unreachable directory is UNAVAILABLE (503).
 */
@Injectable()
export class TenantLookupService {
  private readonly cache = new Map<string, Cached>();

  constructor(
    @Inject(AUTH_TOKENS_OPTIONS) private readonly options: AuthTokensOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The named tenant (400 when the id is not a UUID, 404 when unknown) or the default one. */
  async resolve(tenantId: string | undefined, context: CallContext = {}): Promise<TenantResponse> {
    if (tenantId !== undefined && !isUuid(tenantId)) throw AuthErrors.invalidTenantId();
    const key = tenantId?.toLowerCase() ?? 'default';
    const now = this.clock().getTime();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.tenant;
    let tenant: TenantResponse;
    try {
      tenant = await this.options.directory.tenant(key, context);
    } catch (error) {
      if (error instanceof DomainError && (error.kind === ErrorKind.NOT_FOUND || error.kind === ErrorKind.VALIDATION)) throw AuthErrors.unknownTenant();
      throw error;
    }
    this.remember(key, tenant, now);
    if (key !== tenant.id) this.remember(tenant.id, tenant, now);
    return tenant;
  }

  private remember(key: string, tenant: TenantResponse, now: number): void {
    this.cache.delete(key);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { tenant, until: now + TENANT_TTL_MS });
  }
}

/** The longest lifetime of the JWTs a tenant's key signs (access and ID tokens), in seconds. */
export function longestJwtLifetimeOf(tenant: TenantResponse): number {
  return Math.max(tenant.token_lifetimes.access_token, tenant.token_lifetimes.id_token);
}
