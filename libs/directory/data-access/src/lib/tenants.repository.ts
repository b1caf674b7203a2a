import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import { EntityManager, QueryFailedError } from 'typeorm';

/** A tenant and its configuration (seed 003's tenant configuration, seed 004's tenant object). */
export interface TenantRecord {
  id: string;
  name: string;
  slug: string;
  domain: string | null;
  status: string;
  ipAllowList: string[];
  redirectDomains: string[];
  rateLimitPerMinute: number | null;
  rateLimitBurst: number | null;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  idTokenTtl: number;
  createdAt: Date;
  updatedAt: Date;
}

export type NewTenant = Omit<TenantRecord, 'id' | 'createdAt' | 'updatedAt'>;

/** Fields a tenant update may change; absent (undefined) ones stay as they are. */
export type TenantChanges = Partial<Omit<NewTenant, 'slug'>>;

const CHANGEABLE_COLUMNS: ReadonlyArray<readonly [keyof TenantChanges, string]> = [
  ['name', 'name'],
  ['domain', 'domain'],
  ['status', 'status'],
  ['ipAllowList', 'ip_allow_list'],
  ['redirectDomains', 'redirect_domains'],
  ['rateLimitPerMinute', 'rate_limit_per_minute'],
  ['rateLimitBurst', 'rate_limit_burst'],
  ['accessTokenTtl', 'access_token_ttl'],
  ['refreshTokenTtl', 'refresh_token_ttl'],
  ['idTokenTtl', 'id_token_ttl'],
];

interface TenantRow {
  id: string;
  name: string;
  slug: string;
  domain: string | null;
  status: string;
  ip_allow_list: string[];
  redirect_domains: string[];
  rate_limit_per_minute: number | null;
  rate_limit_burst: number | null;
  access_token_ttl: number;
  refresh_token_ttl: number;
  id_token_ttl: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, name, slug, domain, status, ip_allow_list, redirect_domains, rate_limit_per_minute, rate_limit_burst, access_token_ttl, refresh_token_ttl, id_token_ttl, created_at, updated_at';

function recordOf(row: TenantRow): TenantRecord {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    domain: row.domain,
    status: row.status,
    ipAllowList: row.ip_allow_list,
    redirectDomains: row.redirect_domains,
    rateLimitPerMinute: row.rate_limit_per_minute,
    rateLimitBurst: row.rate_limit_burst,
    accessTokenTtl: row.access_token_ttl,
    refreshTokenTtl: row.refresh_token_ttl,
    idTokenTtl: row.id_token_ttl,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A taken slug or domain as a 409; any other error as it was. */
function conflictOf(error: unknown): unknown {
  const constraint = uniqueViolationOf(error);
  if (constraint === undefined) return error;
  const field = constraint === 'tenants_domain' ? 'domain' : 'slug';
  return new DomainError(ErrorKind.CONFLICT, `a tenant with this ${field} already exists`, { details: [{ field, message: 'is already taken' }] });
}

/** The unique constraint a failed insert violated, when it was one. */
export function uniqueViolationOf(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string } | undefined;
  return driverError?.code === '23505' ? (driverError.constraint ?? '') : undefined;
}

/**
 * The rows an UPDATE or DELETE ... RETURNING answered: TypeORM's postgres driver answers those
 * statements as `[rows, affected count]`, every other statement as the rows.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/** Tenants and their configuration; every call runs on the given manager (and its transaction). */
export class TenantsRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Inserts a tenant; a taken slug or domain is a CONFLICT naming the field. */
  async create(tenant: NewTenant): Promise<TenantRecord> {
    try {
      const rows: TenantRow[] = await this.manager.query(
        `INSERT INTO directory.tenants (id, name, slug, domain, status, ip_allow_list, redirect_domains, rate_limit_per_minute, rate_limit_burst,
                                        access_token_ttl, refresh_token_ttl, id_token_ttl)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
        [
          randomUUID(),
          tenant.name,
          tenant.slug,
          tenant.domain,
          tenant.status,
          tenant.ipAllowList,
          tenant.redirectDomains,
          tenant.rateLimitPerMinute,
          tenant.rateLimitBurst,
          tenant.accessTokenTtl,
          tenant.refreshTokenTtl,
          tenant.idTokenTtl,
        ],
      );
      return recordOf(rows[0]);
    } catch (error) {
      throw conflictOf(error);
    }
  }

  /** Changes the given fields (the others stay); undefined when the tenant does not exist. */
  async update(id: string, changes: TenantChanges): Promise<TenantRecord | undefined> {
    const assignments: string[] = [];
    const params: unknown[] = [id];
    for (const [field, column] of CHANGEABLE_COLUMNS) {
      if (changes[field] === undefined) continue;
      params.push(changes[field]);
      assignments.push(`${column} = $${params.length}`);
    }
    if (assignments.length === 0) return this.findById(id);
    try {
      const result: unknown = await this.manager.query(
        `UPDATE directory.tenants SET ${assignments.join(', ')}, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        params,
      );
      const rows = returnedRows<TenantRow>(result);
      return rows[0] === undefined ? undefined : recordOf(rows[0]);
    } catch (error) {
      throw conflictOf(error);
    }
  }

  async findById(id: string): Promise<TenantRecord | undefined> {
    const rows: TenantRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM directory.tenants WHERE id = $1`, [id]);
    return rows[0] && recordOf(rows[0]);
  }

  async findBySlug(slug: string): Promise<TenantRecord | undefined> {
    const rows: TenantRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM directory.tenants WHERE slug = $1`, [slug]);
    return rows[0] && recordOf(rows[0]);
  }

  /** One page of all tenants, oldest first, and how many there are. */
  async list(page: number, limit: number): Promise<{ tenants: TenantRecord[]; total: number }> {
    const rows: TenantRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM directory.tenants ORDER BY created_at, id LIMIT $1 OFFSET $2`, [limit, (page - 1) * limit]);
    const count: Array<{ n: number }> = await this.manager.query('SELECT count(*)::int AS n FROM directory.tenants');
    return { tenants: rows.map(recordOf), total: count[0].n };
  }
}
