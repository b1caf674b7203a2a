import type { SortDirection, UserFilters, UserListCriteria, UserSortField } from '@sigma/directory/domain';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { returnedRows, uniqueViolationOf } from './tenants.repository';

/** A user of the directory, as the user APIs show it (roles and permissions come from UserAccessQuery). */
export interface UserRecord {
  id: string;
  tenantId: string;
  email: string;
  username: string;
  firstName: string | null;
  lastName: string | null;
  emailVerified: boolean;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLogin: Date | null;
}

export interface NewUser {
  tenantId: string;
  email: string;
  username: string;
  firstName: string | null;
  lastName: string | null;
  emailVerified: boolean;
  isActive: boolean;
  /** bcrypt hash; null for a user without a password (who cannot sign in with one). */
  passwordHash: string | null;
  roleIds: string[];
}

export interface UserChanges {
  email?: string;
  username?: string;
  firstName?: string | null;
  lastName?: string | null;
  emailVerified?: boolean;
  isActive?: boolean;
}

/** A role of a tenant, as user creation and updates resolve role names. */
export interface TenantRole {
  id: string;
  name: string;
  slug: string;
  permissions: string[];
  level: number;
  isDefault: boolean;
}

export interface UserListPage {
  users: UserRecord[];
  total: number;
  /** True when `total` is the planner's estimate (a filtered list of a large tenant matching many users). */
  totalIsEstimate: boolean;
}

/** Tenants of up to this many users get exact totals for every list. */
export const EXACT_TOTALS_UP_TO = 20_000;
/**
 * In larger tenants a filtered list counts up to this many matches exactly; beyond that its total
 * is the planner's estimate. Counting stays bounded at any tenant size.
 */
export const ESTIMATED_COUNT_CAP = 1_000;
/** Search terms shorter than this match the start of the email or a name (the trigram index needs 3 characters). */
export const SUBSTRING_SEARCH_MIN_LENGTH = 3;

interface UserRow {
  id: string;
  tenant_id: string;
  email: string;
  username: string;
  first_name: string | null;
  last_name: string | null;
  email_verified: boolean;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  last_login: Date | null;
}

const COLUMNS = 'u.id, u.tenant_id, u.email, u.username, u.first_name, u.last_name, u.email_verified, u.is_active, u.created_at, u.updated_at, u.last_login';

/** The search expression; it must stay identical to the users_search_trgm index's. */
const SEARCH_TEXT = "lower(u.email || ' ' || coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, ''))";

/** Sort expressions, each matching an index on (tenant_id, expression[, id]). */
const SORT_KEYS: Readonly<Record<UserSortField, { expression: string; unique: boolean }>> = {
  created_at: { expression: 'u.created_at', unique: false },
  updated_at: { expression: 'u.updated_at', unique: false },
  email: { expression: 'lower(u.email)', unique: true },
  username: { expression: 'lower(u.username)', unique: true },
  first_name: { expression: 'lower(u.first_name)', unique: false },
  last_name: { expression: 'lower(u.last_name)', unique: false },
  last_login: { expression: "coalesce(u.last_login, '-infinity'::timestamptz)", unique: false },
};

const CHANGE_COLUMNS: Readonly<Record<keyof UserChanges, string>> = {
  email: 'email',
  username: 'username',
  firstName: 'first_name',
  lastName: 'last_name',
  emailVerified: 'email_verified',
  isActive: 'is_active',
};

function recordOf(row: UserRow): UserRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    email: row.email,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    emailVerified: row.email_verified,
    isActive: row.is_active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLogin: row.last_login,
  };
}

/** `text` with LIKE's wildcards and escape character taken literally. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function conflictOf(error: unknown): DomainError | undefined {
  const constraint = uniqueViolationOf(error);
  if (constraint === undefined) return undefined;
  const field = constraint === 'users_tenant_username' ? 'username' : 'email';
  return new DomainError(ErrorKind.CONFLICT, `a user with this ${field} already exists in the tenant`, { details: [{ field, message: 'is already taken' }] });
}

function opposite(direction: SortDirection): SortDirection {
  return direction === 'asc' ? 'desc' : 'asc';
}

function hasFilters(filters: UserFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined);
}

/**
 * Users of one tenant: listing, search, and changes. Every query names the tenant, so a user id
 * of another tenant is simply not found.
 */
export class UsersRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * One page of a tenant's users and how many there are. Unfiltered lists read the exact total
   * from the per-tenant counter, and a page past the middle is read backwards from the end (so
   * the last page costs what the first does). Filtered lists count exactly in tenants of up to
   * EXACT_TOTALS_UP_TO users; in larger ones up to ESTIMATED_COUNT_CAP matches, then the
   * planner's estimate (flagged).
   */
  async list(tenantId: string, criteria: UserListCriteria): Promise<UserListPage> {
    const { page, limit, sort, ...filters } = criteria;
    const where = await this.whereOf(tenantId, filters);
    if (!where) return { users: [], total: 0, totalIsEstimate: false };
    const tenantSize = await this.countOf(tenantId);
    const offset = (page - 1) * limit;
    if (!hasFilters(filters)) {
      if (offset >= tenantSize) return { users: [], total: tenantSize, totalIsEstimate: false };
      const wanted = Math.min(limit, tenantSize - offset);
      const backwards = offset + wanted / 2 > tenantSize / 2;
      const rows = backwards
        ? (await this.page(where, sort.field, opposite(sort.direction), wanted, tenantSize - offset - wanted)).reverse()
        : await this.page(where, sort.field, sort.direction, limit, offset);
      return { users: rows.map(recordOf), total: tenantSize, totalIsEstimate: false };
    }
    const users = (await this.page(where, sort.field, sort.direction, limit, offset)).map(recordOf);
    // A short page that is not past the end tells the total by itself.
    if (users.length < limit && (users.length > 0 || page === 1)) return { users, total: offset + users.length, totalIsEstimate: false };
    return { users, ...(await this.filteredTotal(where, tenantSize <= EXACT_TOTALS_UP_TO ? undefined : ESTIMATED_COUNT_CAP)) };
  }

  private async page(where: { sql: string; params: unknown[] }, field: UserSortField, direction: SortDirection, limit: number, offset: number): Promise<UserRow[]> {
    const key = SORT_KEYS[field];
    const dir = direction === 'desc' ? 'DESC' : 'ASC';
    const order = key.unique ? `${key.expression} ${dir}` : `${key.expression} ${dir}, u.id ${dir}`;
    const params = [...where.params, limit, offset];
    // Deferred join: the rows skipped by OFFSET are walked in the sort index alone (an index-only
    // scan over (tenant_id, key, id)); only the page's rows are read from the table.
    return this.manager.query(
      `SELECT ${COLUMNS} FROM directory.users u JOIN (SELECT u.id FROM directory.users u WHERE ${where.sql} ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length}) page ON page.id = u.id ORDER BY ${order}`,
      params,
    );
  }

  private async filteredTotal(where: { sql: string; params: unknown[] }, cap: number | undefined): Promise<{ total: number; totalIsEstimate: boolean }> {
    const limited = cap === undefined ? '' : ` LIMIT ${cap + 1}`;
    const counted: Array<{ n: number }> = await this.manager.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM directory.users u WHERE ${where.sql}${limited}) matches`, where.params);
    if (cap === undefined || counted[0].n <= cap) return { total: counted[0].n, totalIsEstimate: false };
    const plan: Array<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }> = await this.manager.query(
      `EXPLAIN (FORMAT JSON) SELECT 1 FROM directory.users u WHERE ${where.sql}`,
      where.params,
    );
    const estimate = Math.round(plan[0]['QUERY PLAN'][0].Plan['Plan Rows']);
    return { total: Math.max(cap + 1, estimate), totalIsEstimate: true };
  }

  /** The WHERE clause of a list, or undefined when it can match nobody (an unknown role). */
  private async whereOf(tenantId: string, filters: UserFilters): Promise<{ sql: string; params: unknown[] } | undefined> {
    const clauses = ['u.tenant_id = $1'];
    const params: unknown[] = [tenantId];
    const add = (sql: (param: string) => string, value: unknown): void => {
      params.push(value);
      clauses.push(sql(`$${params.length}`));
    };
    if (filters.isActive !== undefined) add((p) => `u.is_active = ${p}`, filters.isActive);
    if (filters.emailVerified !== undefined) add((p) => `u.email_verified = ${p}`, filters.emailVerified);
    if (filters.email !== undefined) add((p) => `lower(u.email) = lower(${p})`, filters.email);
    if (filters.username !== undefined) add((p) => `lower(u.username) = lower(${p})`, filters.username);
    if (filters.search !== undefined) {
      if ([...filters.search].length >= SUBSTRING_SEARCH_MIN_LENGTH) add((p) => `${SEARCH_TEXT} LIKE lower(${p})`, `%${likeLiteral(filters.search)}%`);
      else add((p) => `(lower(u.email) LIKE lower(${p}) OR lower(u.first_name) LIKE lower(${p}) OR lower(u.last_name) LIKE lower(${p}))`, `${likeLiteral(filters.search)}%`);
    }
    if (filters.role !== undefined) {
      const role = await this.findRole(tenantId, filters.role);
      if (!role) return undefined;
      add((p) => `EXISTS (SELECT 1 FROM directory.user_roles ur WHERE ur.user_id = u.id AND ur.role_id = ${p})`, role.id);
    }
    return { sql: clauses.join(' AND '), params };
  }

  async findById(tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<UserRecord | undefined> {
    const rows: UserRow[] = await this.manager.query(
      `SELECT ${COLUMNS} FROM directory.users u WHERE u.tenant_id = $1 AND u.id = $2${options.lock ? ' FOR UPDATE' : ''}`,
      [tenantId, id],
    );
    return rows[0] && recordOf(rows[0]);
  }

  /** The tenant's user with this username (case-insensitive). */
  async findByUsername(tenantId: string, username: string): Promise<UserRecord | undefined> {
    const rows: UserRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM directory.users u WHERE u.tenant_id = $1 AND lower(u.username) = lower($2)`, [tenantId, username]);
    return rows[0] && recordOf(rows[0]);
  }

  /** Which of an email and a username another user of the tenant already has (case-insensitive). */
  async takenIdentifiers(tenantId: string, identifiers: { email?: string; username?: string }, exceptUserId?: string): Promise<Array<'email' | 'username'>> {
    if (identifiers.email === undefined && identifiers.username === undefined) return [];
    const rows: Array<{ email_taken: boolean; username_taken: boolean }> = await this.manager.query(
      `SELECT bool_or(lower(email) = lower($2)) AS email_taken, bool_or(lower(username) = lower($3)) AS username_taken
         FROM directory.users
        WHERE tenant_id = $1 AND (lower(email) = lower($2) OR lower(username) = lower($3)) AND id IS DISTINCT FROM $4`,
      [tenantId, identifiers.email ?? null, identifiers.username ?? null, exceptUserId ?? null],
    );
    const taken: Array<'email' | 'username'> = [];
    if (rows[0]?.email_taken) taken.push('email');
    if (rows[0]?.username_taken) taken.push('username');
    return taken;
  }

  /** Inserts a user with its password and roles; a taken email or username is a CONFLICT naming the field. */
  async insert(user: NewUser): Promise<UserRecord> {
    let rows: UserRow[];
    try {
      rows = await this.manager.query(
        `INSERT INTO directory.users AS u (id, tenant_id, email, username, first_name, last_name, email_verified, is_active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        [randomUUID(), user.tenantId, user.email, user.username, user.firstName, user.lastName, user.emailVerified, user.isActive],
      );
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
    const record = recordOf(rows[0]);
    if (user.passwordHash !== null) await this.setPassword(record.id, user.passwordHash);
    await this.replaceRoles(record.id, user.roleIds);
    return record;
  }

  /** Applies the changes given (updated_at moves when any is given); undefined when the tenant has no such user. */
  async update(tenantId: string, id: string, changes: UserChanges): Promise<UserRecord | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [tenantId, id];
    for (const [field, column] of Object.entries(CHANGE_COLUMNS) as Array<[keyof UserChanges, string]>) {
      if (changes[field] === undefined) continue;
      params.push(changes[field]);
      sets.push(`${column} = $${params.length}`);
    }
    sets.push('updated_at = now()');
    try {
      const rows = returnedRows<UserRow>(
        await this.manager.query(`UPDATE directory.users AS u SET ${sets.join(', ')} WHERE u.tenant_id = $1 AND u.id = $2 RETURNING ${COLUMNS}`, params),
      );
      return rows[0] && recordOf(rows[0]);
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
  }

  /** Deletes a user of the tenant; its credentials, memberships and second factors go with it (FK cascades), its sign-in failure count too. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    const rows = returnedRows<{ id: string }>(
      await this.manager.query(
        `WITH gone AS (DELETE FROM directory.users WHERE tenant_id = $1 AND id = $2 RETURNING id),
              failures AS (DELETE FROM directory.sign_in_failures WHERE subject IN (SELECT id::text FROM gone))
         SELECT id FROM gone`,
        [tenantId, id],
      ),
    );
    return rows.length > 0;
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO directory.password_credentials (user_id, hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET hash = EXCLUDED.hash, updated_at = now()`,
      [userId, passwordHash],
    );
  }

  /** Makes `roleIds` the user's roles (they must be roles of the user's tenant). */
  async replaceRoles(userId: string, roleIds: readonly string[]): Promise<void> {
    await this.manager.query('DELETE FROM directory.user_roles WHERE user_id = $1', [userId]);
    if (roleIds.length === 0) return;
    await this.manager.query('INSERT INTO directory.user_roles (user_id, role_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING', [userId, roleIds]);
  }

  /** Every role of the tenant, highest level first. */
  async rolesOf(tenantId: string): Promise<TenantRole[]> {
    const rows: Array<{ id: string; name: string; slug: string; permissions: string[]; level: number; is_default: boolean }> = await this.manager.query(
      'SELECT id, name, slug, permissions, level, is_default FROM directory.roles WHERE tenant_id = $1 ORDER BY level DESC, name',
      [tenantId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, slug: r.slug, permissions: r.permissions, level: r.level, isDefault: r.is_default }));
  }

  /** A role of the tenant by slug or name, case-insensitive. */
  async findRole(tenantId: string, nameOrSlug: string): Promise<{ id: string } | undefined> {
    const rows: Array<{ id: string }> = await this.manager.query(
      'SELECT id FROM directory.roles WHERE tenant_id = $1 AND (slug = lower($2) OR lower(name) = lower($2)) ORDER BY (slug = lower($2)) DESC LIMIT 1',
      [tenantId, nameOrSlug],
    );
    return rows[0];
  }

  /** Seed 003's user list: identifier (the username) and sign-in times, oldest first. */
  async listIdentifiers(tenantId: string, limit: number, offset: number): Promise<Array<{ id: string; identifier: string; createdAt: Date; lastLoginAt: Date | null }>> {
    const rows: Array<{ id: string; username: string; created_at: Date; last_login: Date | null }> = await this.manager.query(
      'SELECT id, username, created_at, last_login FROM directory.users WHERE tenant_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3',
      [tenantId, limit, offset],
    );
    return rows.map((r) => ({ id: r.id, identifier: r.username, createdAt: r.created_at, lastLoginAt: r.last_login }));
  }

  /** How many users the tenant has (exact, from the per-tenant counter). */
  async countOf(tenantId: string): Promise<number> {
    const rows: Array<{ n: string }> = await this.manager.query('SELECT user_count AS n FROM directory.tenant_user_counts WHERE tenant_id = $1', [tenantId]);
    return Number(rows[0]?.n ?? 0);
  }
}
