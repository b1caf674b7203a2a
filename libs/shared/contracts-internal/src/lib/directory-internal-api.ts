import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUrl, IsUUID, Length, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

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
  /**
   * WebAuthn credentials (passkeys). POST AddWebauthnCredentialRequest → 201 WebauthnCredentialResponse
   * (409 CONFLICT when the credential id is registered already); GET `?tenant_id=&user_id=` or
   * `?tenant_id=&username=` → WebauthnCredentialListResponse (an unknown user: `user_id: null`, no credentials).
   */
  webauthnCredentials: '/internal/v1/webauthn/credentials',
  /**
   * GET `?tenant_id=` → WebauthnCredentialResponse; 404 when the tenant has no such credential.
   * DELETE `?tenant_id=&user_id=` → the removed WebauthnCredentialResponse; 404 unless it is that user's.
   */
  webauthnCredential: (credentialId: string) => `/internal/v1/webauthn/credentials/${encodeURIComponent(credentialId)}`,
  /**
   * POST RecordWebauthnUseRequest → IdentityResponse: a verified assertion. The signature counter is
   * raised atomically (409 CONFLICT when it did not increase: a possibly cloned authenticator), the
   * credential's last use and the user's last_login are recorded; 403 for a disabled account or
   * suspended tenant; 404 for an unknown credential.
   */
  webauthnCredentialUse: (credentialId: string) => `/internal/v1/webauthn/credentials/${encodeURIComponent(credentialId)}/use`,
  /**
   * POST RegisterUserRequest → 201 IdentityResponse: self-registration (seed 002 `register`) with the
   * password policy; 409 CONFLICT when the email is taken, 403 when the role holds suite permissions.
   */
  registerUser: '/internal/v1/users/register',
  /**
   * POST IdentifierUserRequest → IdentifierUserResponse: the user whose username is the identifier
   * (seed 003 `/api/auth/create`), created without a password on first use; 403 for a user holding
   * suite permissions (an API key never vouches for an administrator).
   */
  identifierUser: '/internal/v1/users/by-identifier',
  /**
   * POST FederatedLoginRequest → FederatedLoginResponse: the user an upstream identity (issuer +
   * subject) signs in as; links by verified email or creates the user when the request allows it.
   * 409 CONFLICT: the email belongs to an account the identity may not be linked to; 403: sign-up
   * disabled, account disabled or tenant suspended; 404: unknown tenant.
   */
  federatedLogin: '/internal/v1/users/federated-login',
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

export class RegisterUserRequest {
  @IsUUID()
  tenant_id!: string;

  @IsEmail()
  @MaxLength(320)
  email!: string;

  @IsString()
  @Length(1, 1024)
  password!: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  first_name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  last_name?: string;

  /** Name or slug of the role the user gets (the application's defaultRole). */
  @IsString()
  @Length(1, 100)
  role!: string;
}

export class IdentifierUserRequest {
  @IsUUID()
  tenant_id!: string;

  /** The tenant's own identifier of the user (its username), case-insensitive. */
  @IsString()
  @Length(1, 255)
  identifier!: string;
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
  /** Factors the user has enrolled: with `totp`, a password login needs the MFA step; `webauthn`: the user has passkeys (a sign-in method of their own, ADR 22). */
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

export interface IdentifierUserResponse extends IdentityResponse {
  /** True when this call created the user. */
  created: boolean;
}

export interface ApiKeyTenantResponse {
  key_id: string;
  tenant: { id: string; name: string; slug: string };
  /** The tenant's IP allow-list (addresses and CIDR ranges); empty or absent: every address. */
  ip_allow_list?: string[];
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** The largest signature counter (32 bits, WebAuthn §6.1). */
export const MAX_WEBAUTHN_COUNTER = 4294967295;
/** Authenticator transports as WebAuthn Level 3 names them. */
export const WEBAUTHN_TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'] as const;
export type WebauthnTransport = (typeof WEBAUTHN_TRANSPORTS)[number];
export const WEBAUTHN_DEVICE_TYPES = ['singleDevice', 'multiDevice'] as const;
export type WebauthnDeviceType = (typeof WEBAUTHN_DEVICE_TYPES)[number];

/** A verified registration: the credential as the authenticator created it (binary fields base64url). */
export class AddWebauthnCredentialRequest {
  @IsUUID()
  tenant_id!: string;

  @IsUUID()
  user_id!: string;

  /** At most 1023 bytes (WebAuthn §5.8.3). */
  @Matches(BASE64URL, { message: 'credential_id must be base64url' })
  @Length(16, 1364)
  credential_id!: string;

  /** The COSE public key. */
  @Matches(BASE64URL, { message: 'public_key must be base64url' })
  @Length(16, 4096)
  public_key!: string;

  @IsInt()
  @Min(0)
  @Max(MAX_WEBAUTHN_COUNTER)
  counter!: number;

  @IsArray()
  @ArrayMaxSize(WEBAUTHN_TRANSPORTS.length)
  @IsIn(WEBAUTHN_TRANSPORTS, { each: true })
  transports!: WebauthnTransport[];

  @IsIn(WEBAUTHN_DEVICE_TYPES)
  device_type!: WebauthnDeviceType;

  @IsBoolean()
  backed_up!: boolean;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;
}

/** A verified assertion with the counter the authenticator reported. */
export class RecordWebauthnUseRequest {
  @IsUUID()
  tenant_id!: string;

  @IsInt()
  @Min(0)
  @Max(MAX_WEBAUTHN_COUNTER)
  counter!: number;

  @IsBoolean()
  backed_up!: boolean;
}

export interface WebauthnCredentialResponse {
  credential_id: string;
  user_id: string;
  tenant_id: string;
  public_key: string;
  counter: number;
  transports: WebauthnTransport[];
  device_type: WebauthnDeviceType | null;
  backed_up: boolean;
  name: string | null;
  created_at: string;
  last_used_at: string | null;
}

export interface WebauthnCredentialListResponse {
  /** The user the query named; null when the tenant has no such user. */
  user_id: string | null;
  credentials: WebauthnCredentialResponse[];
}

/** A sign-in by an identity of an upstream provider (social login, SSO). */
export class FederatedLoginRequest {
  @IsUUID()
  tenant_id!: string;

  /** The namespace the subject is unique in: the OpenID issuer, or the OAuth 2.0 provider's user-info URL. */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['https', 'http'] })
  @MaxLength(2048)
  issuer!: string;

  @IsString()
  @Length(1, 255)
  subject!: string;

  /** The provider's name in the tenant (`google`): names usernames of created users. */
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/)
  provider!: string;

  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  /** Whether the provider asserts it verified the email. */
  @IsBoolean()
  email_verified!: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  first_name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  last_name?: string;

  /** Link to an existing user of the tenant with the same email, when the email is verified. */
  @IsBoolean()
  link_by_email!: boolean;

  /** Create a user when the identity is new (and its email belongs to nobody). */
  @IsBoolean()
  allow_signup!: boolean;
}

export interface FederatedLoginResponse extends IdentityResponse {
  /** existing: the identity was linked before; linked: linked now by verified email; created: a new user. */
  outcome: 'existing' | 'linked' | 'created';
}
