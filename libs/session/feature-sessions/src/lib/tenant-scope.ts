import { Inject, Injectable } from '@nestjs/common';
import { SessionErrors } from '@sigma/session/domain';
import { DIRECTORY_INTERNAL_ROUTES } from '@sigma/shared/contracts-internal';
import type { Caller } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { SESSION_OPTIONS, SessionOptions } from './session.options';

/** The slug of the tenant a fresh install creates; its `*` holders operate the platform (ADR 8). */
const PLATFORM_TENANT_SLUG = 'default';

function directoryUnavailable(cause?: unknown): DomainError {
  return new DomainError(ErrorKind.UNAVAILABLE, 'the directory is not available', { retryAfterSeconds: 5, cause });
}

/**
 * Which tenant a session route acts on (ADR 8's rule, ADR 15): the caller's own, or another one the
 * request names explicitly, only for a platform operator (a holder of `*` in the default tenant).
 * Anyone else naming another tenant is 403; an unknown tenant is 404. The default tenant's id and
 * the existence of a named tenant come from user-directory's internal API (the directory owns
 * tenants); its id is remembered once known.
 */
@Injectable()
export class SessionTenantScope {
  private platformTenantId?: string;

  constructor(@Inject(SESSION_OPTIONS) private readonly options: SessionOptions) {}

  async resolve(caller: Caller, requested: string | undefined): Promise<string> {
    if (requested === undefined || requested === caller.tenantId) return caller.tenantId;
    if (!caller.permissions.includes('*') || caller.tenantId !== (await this.platformTenant())) throw SessionErrors.otherTenant();
    if ((await this.tenantIdOf(requested)) === undefined) throw new DomainError(ErrorKind.NOT_FOUND, 'tenant not found');
    return requested;
  }

  private async platformTenant(): Promise<string | undefined> {
    this.platformTenantId ??= await this.tenantIdOf(PLATFORM_TENANT_SLUG);
    return this.platformTenantId;
  }

  /** The id of a tenant by id or slug; undefined when the directory does not know it. */
  private async tenantIdOf(idOrSlug: string): Promise<string | undefined> {
    const { url, timeoutMs } = this.options.directory;
    let answer: Response;
    try {
      answer = await fetch(`${url.replace(/\/+$/, '')}${DIRECTORY_INTERNAL_ROUTES.tenant(idOrSlug)}`, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw directoryUnavailable(error);
    }
    if (answer.status === 404) {
      await answer.body?.cancel();
      return undefined;
    }
    if (!answer.ok) {
      await answer.body?.cancel();
      throw directoryUnavailable();
    }
    const tenant = (await answer.json()) as { id?: unknown };
    if (typeof tenant.id !== 'string') throw directoryUnavailable();
    return tenant.id;
  }
}
