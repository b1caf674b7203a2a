import { IsOptional, IsString, IsUUID, Length, Matches, MaxLength, MinLength } from 'class-validator';

/**
 * user-directory's internal API for auth-server (ARCHITECTURE.md): never routed by the gateway.
 * Errors answer in the Sigma body (`{error: {code, message, details, request_id}}`):
 *  - 401 INVALID_CREDENTIALS: unknown user, wrong password or code (indistinguishable, same time)
 *  - 403 INSUFFICIENT_PERMISSIONS: the account is disabled
 *  - 429 RATE_LIMIT_EXCEEDED with `retry_after`: the account is locked after repeated failures
 *  - 404 RESOURCE_NOT_FOUND: unknown user id, tenant or API key (claims, tenant lookups)
 */
export const DIRECTORY_INTERNAL_ROUTES = {
  /** POST VerifyPasswordRequest → IdentityResponse. */
  verifyPassword: '/internal/v1/credentials/password/verify',
  /** POST VerifySecondFactorRequest → IdentityResponse. */
  verifySecondFactor: '/internal/v1/credentials/second-factor/verify',
  /** GET → IdentityResponse: current claims, for refresh and userinfo (`?tenant_id=` required). */
  userClaims: (userId: string) => `/internal/v1/users/${encodeURIComponent(userId)}/claims`,
  /** POST VerifyApiKeyRequest → ApiKeyTenantResponse. */
  verifyApiKey: '/internal/v1/api-keys/verify',
  /** GET → TenantResponse, by id or slug (`default`). */
  tenant: (idOrSlug: string) => `/internal/v1/tenants/${encodeURIComponent(idOrSlug)}`,
} as const;

export class VerifyPasswordRequest {
  /** Absent: the `default` tenant. */
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  /** Email or username, case-insensitive. */
  @IsString()
  @Length(1, 320)
  username!: string;

  @IsString()
  @Length(1, 1024)
  password!: string;

  /** Client IP, for per-IP backoff and the audit trail. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  client_ip?: string;
}

export class VerifySecondFactorRequest {
  @IsUUID()
  tenant_id!: string;

  @IsUUID()
  user_id!: string;

  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'totp_code must be 6 digits' })
  totp_code?: string;

  @IsOptional()
  @IsString()
  @MinLength(6)
  @MaxLength(64)
  recovery_code?: string;
}

export class VerifyApiKeyRequest {
  @IsString()
  @Length(16, 256)
  api_key!: string;
}

/** Who a user is and what they may do, as auth-server puts it into tokens. */
export interface IdentityClaims {
  user_id: string;
  tenant_id: string;
  username: string;
  email: string;
  email_verified: boolean;
  first_name: string | null;
  last_name: string | null;
  is_active: boolean;
  roles: string[];
  permissions: string[];
  /** Second factors the user has enrolled; a login with any of them needs the MFA step. */
  mfa: { totp: boolean; webauthn: boolean };
  last_login: string | null;
  /** ISO 8601; optional so older directories stay compatible (login answers show null without them). */
  created_at?: string;
  updated_at?: string;
}

export interface IdentityResponse {
  user: IdentityClaims;
}

export interface TenantTokenLifetimes {
  access_token: number;
  refresh_token: number;
  id_token: number;
}

export interface TenantResponse {
  id: string;
  name: string;
  slug: string;
  domain: string | null;
  status: string;
  ip_allow_list: string[];
  redirect_domains: string[];
  rate_limit: { requests_per_minute: number | null; burst: number | null };
  token_lifetimes: TenantTokenLifetimes;
}

export interface ApiKeyTenantResponse {
  key_id: string;
  tenant: { id: string; name: string; slug: string };
}
