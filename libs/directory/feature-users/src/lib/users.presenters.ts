import type { ApiKeyRecord, TenantRecord, UserAccess, UserRecord } from '@sigma/directory/data-access';
import type { TenantResponse } from '@sigma/shared/contracts-internal';

/** A user with its roles and effective permissions, and the highest-level role (seed 002's single `role`). */
export interface UserView {
  user: UserRecord;
  access: UserAccess;
  primaryRole: string | null;
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function fullNameOf(user: Pick<UserRecord, 'firstName' | 'lastName'>): string | null {
  const name = [user.firstName, user.lastName].filter((part) => part !== null && part !== '').join(' ');
  return name === '' ? null : name;
}

/** API.md's union user object of seeds 000 and 004. */
export interface UserV1 {
  id: string;
  username: string;
  email: string;
  tenant_id: string;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  email_verified: boolean;
  is_active: boolean;
  roles: string[];
  permissions: string[];
  created_at: string;
  updated_at: string;
  last_login: string | null;
}

export function userV1Of({ user, access }: UserView): UserV1 {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    tenant_id: user.tenantId,
    first_name: user.firstName,
    last_name: user.lastName,
    full_name: fullNameOf(user),
    email_verified: user.emailVerified,
    is_active: user.isActive,
    roles: access.roles.map((role) => role.name),
    permissions: access.permissions,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
    last_login: iso(user.lastLogin),
  };
}

/** Seed 002's user object, plus username, every role and the effective permissions. */
export interface AdminUser {
  id: string;
  email: string;
  username: string;
  firstName: string | null;
  lastName: string | null;
  role: string | null;
  roles: string[];
  permissions: string[];
  isActive: boolean;
  isVerified: boolean;
  createdAt: string;
  updatedAt: string;
  lastLogin: string | null;
}

export function adminUserOf({ user, access, primaryRole }: UserView): AdminUser {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    role: primaryRole,
    roles: access.roles.map((role) => role.name),
    permissions: access.permissions,
    isActive: user.isActive,
    isVerified: user.emailVerified,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    lastLogin: iso(user.lastLogin),
  };
}

/** The tenant as the internal API answers it (contracts-internal TenantResponse). */
export function tenantResponseOf(tenant: TenantRecord): TenantResponse {
  return {
    id: tenant.id,
    name: tenant.name,
    slug: tenant.slug,
    domain: tenant.domain,
    status: tenant.status,
    ip_allow_list: tenant.ipAllowList,
    redirect_domains: tenant.redirectDomains,
    rate_limit: { requests_per_minute: tenant.rateLimitPerMinute, burst: tenant.rateLimitBurst },
    token_lifetimes: { access_token: tenant.accessTokenTtl, refresh_token: tenant.refreshTokenTtl, id_token: tenant.idTokenTtl },
  };
}

/** Seed 004's tenant object with seed 003's configuration. */
export type TenantV1 = TenantResponse & { created_at: string; updated_at: string };

export function tenantV1Of(tenant: TenantRecord): TenantV1 {
  return { ...tenantResponseOf(tenant), created_at: tenant.createdAt.toISOString(), updated_at: tenant.updatedAt.toISOString() };
}

export interface ApiKeyListItem {
  id: string;
  name: string | null;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function apiKeyListItemOf(key: ApiKeyRecord): ApiKeyListItem {
  return { id: key.id, name: key.name, prefix: key.prefix, created_at: key.createdAt.toISOString(), last_used_at: iso(key.lastUsedAt), revoked_at: iso(key.revokedAt) };
}

/** Pagination of seeds 000 and 004 (`size` and `limit` both, since either names the page size). */
export interface PaginationV1 {
  page: number;
  limit: number;
  size: number;
  total: number;
  total_pages: number;
  /** Present (true) only when the total is an estimate: a filtered list matching many users of a large tenant. */
  total_is_estimate?: true;
}
