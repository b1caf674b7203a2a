import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { DataSource } from 'typeorm';
import { DEFAULT_TENANT_SLUG } from './directory-bootstrap.repository';

/** The part of a verified caller that decides which tenant it may act on. */
export interface TenantCaller {
  tenantId: string;
  permissions: readonly string[];
}

/**
 * Which tenant a request acts on. Everyone acts on their own tenant. Only a platform operator (a
 * holder of `*` in the `default` tenant, such as the bootstrap super-admin) may name another tenant;
 * anyone else naming one is refused, so tenant B's data is unreachable from tenant A by any route.
 */
export class TenantScope {
  private platformTenantId?: string;

  constructor(private readonly dataSource: DataSource) {}

  async isPlatformOperator(caller: TenantCaller): Promise<boolean> {
    return caller.permissions.includes('*') && caller.tenantId === (await this.platformTenant());
  }

  /** The tenant to act on: `requested` when given and allowed, else the caller's own. */
  async resolve(caller: TenantCaller, requested?: string): Promise<string> {
    if (requested === undefined || requested === caller.tenantId) return caller.tenantId;
    if (!(await this.isPlatformOperator(caller))) {
      throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the caller may act only on its own tenant');
    }
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM directory.tenants WHERE id = $1', [requested]);
    if (rows.length === 0) throw new DomainError(ErrorKind.NOT_FOUND, 'tenant not found');
    return requested;
  }

  private async platformTenant(): Promise<string | undefined> {
    if (this.platformTenantId === undefined) {
      const rows: Array<{ id: string }> = await this.dataSource.query('SELECT id FROM directory.tenants WHERE slug = $1', [DEFAULT_TENANT_SLUG]);
      this.platformTenantId = rows[0]?.id;
    }
    return this.platformTenantId;
  }
}
