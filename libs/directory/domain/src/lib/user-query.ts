import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

/** Page sizes of user and tenant lists (API.md: size or limit, at most 100). */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
export const MAX_PAGE = 1_000_000;

/** Fields a user list sorts by; each is backed by an index within the tenant. */
export const USER_SORT_FIELDS = ['created_at', 'updated_at', 'email', 'username', 'first_name', 'last_name', 'last_login'] as const;
export type UserSortField = (typeof USER_SORT_FIELDS)[number];
export type SortDirection = 'asc' | 'desc';

/** Keys of seed 000's `filter=key:value,...`. */
export const USER_FILTER_KEYS = ['is_active', 'email_verified', 'role', 'email', 'username', 'search'] as const;
export type UserFilterKey = (typeof USER_FILTER_KEYS)[number];

export const MAX_SEARCH_LENGTH = 100;

export interface UserSort {
  field: UserSortField;
  direction: SortDirection;
}

/** What a user list asks for, independent of which seed's parameters spelled it. */
export interface UserListCriteria {
  page: number;
  limit: number;
  sort: UserSort;
  isActive?: boolean;
  emailVerified?: boolean;
  /** A role's name or slug in the tenant (case-insensitive). */
  role?: string;
  /** Exact email or username, case-insensitive. */
  email?: string;
  username?: string;
  /**
   * Case-insensitive substring of the email, first name or last name; a term of one or two
   * characters matches the start of one of them.
   */
  search?: string;
}

export const DEFAULT_USER_SORT: UserSort = { field: 'created_at', direction: 'asc' };

function invalid(field: string, message: string): DomainError {
  return new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field, message }] });
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** `field:asc|desc` on the whitelist (seed 000's pattern `^[a-zA-Z_]+:(asc|desc)$`). */
export function parseUserSort(value: string | undefined): UserSort {
  if (value === undefined || value === '') return DEFAULT_USER_SORT;
  const match = /^([a-zA-Z_]+):(asc|desc)$/.exec(value);
  if (!match) return fail('sort', 'must be field:asc or field:desc');
  const field = match[1].toLowerCase();
  if (!isOneOf(USER_SORT_FIELDS, field)) return fail('sort', `can sort by ${USER_SORT_FIELDS.join(', ')}`);
  return { field, direction: match[2] as SortDirection };
}

function fail(field: string, message: string): never {
  throw invalid(field, message);
}

function parseBoolean(field: string, key: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fail(field, `${key} must be true or false`);
}

export type UserFilters = Omit<UserListCriteria, 'page' | 'limit' | 'sort'>;

/**
 * `key:value,key2:value2` (seed 000's pattern `^[a-zA-Z_]+:[^:]+(,[a-zA-Z_]+:[^:]+)*$`) with keys
 * on the whitelist, each at most once.
 */
export function parseUserFilter(value: string | undefined): UserFilters {
  const filters: UserFilters = {};
  if (value === undefined || value === '') return filters;
  if (!/^[a-zA-Z_]+:[^:,]+(,[a-zA-Z_]+:[^:,]+)*$/.test(value)) return fail('filter', 'must be key:value pairs separated by commas');
  const seen = new Set<string>();
  for (const pair of value.split(',')) {
    const separator = pair.indexOf(':');
    const key = pair.slice(0, separator).toLowerCase();
    const raw = pair.slice(separator + 1).trim();
    if (!isOneOf(USER_FILTER_KEYS, key)) return fail('filter', `can filter by ${USER_FILTER_KEYS.join(', ')}`);
    if (seen.has(key)) return fail('filter', `${key} is given more than once`);
    seen.add(key);
    if (raw === '') return fail('filter', `${key} needs a value`);
    applyFilter(filters, key, raw);
  }
  return filters;
}

function applyFilter(filters: UserFilters, key: UserFilterKey, raw: string): void {
  switch (key) {
    case 'is_active':
      filters.isActive = parseBoolean('filter', key, raw);
      return;
    case 'email_verified':
      filters.emailVerified = parseBoolean('filter', key, raw);
      return;
    case 'search':
      if (raw.length > MAX_SEARCH_LENGTH) fail('filter', `search must be at most ${MAX_SEARCH_LENGTH} characters`);
      filters.search = raw;
      return;
    default:
      if (raw.length > 320) fail('filter', `${key} must be at most 320 characters`);
      filters[key] = raw;
  }
}

/** The page size from seed 000's `size` or seed 004's `limit`; both given must agree. */
export function pageSizeOf(size: number | undefined, limit: number | undefined): number {
  if (size !== undefined && limit !== undefined && size !== limit) return fail('limit', 'size and limit must be equal when both are given');
  return size ?? limit ?? DEFAULT_PAGE_SIZE;
}

/** How many pages `total` items fill (0 for an empty list). */
export function totalPagesOf(total: number, limit: number): number {
  return Math.ceil(total / limit);
}
