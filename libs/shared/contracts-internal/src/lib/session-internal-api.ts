// class-transformer's @Type reads design types through reflect-metadata; load it wherever this contract is.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsIP, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

/**
 * session-service's internal API for auth-server (create, touch, revoke, status) and the gateway
 * (the revocation feed its deny-list is rebuilt from at start). Never routed by the gateway; like the
 * directory's internal API it is reachable only inside the cluster (network policies in deploy/k8s).
 * Errors answer in the Sigma body (`{error: {code, message, details, request_id}}`):
 *  - 400 VALIDATION_ERROR with details for malformed input
 *  - 404 RESOURCE_NOT_FOUND: unknown session id, or a session of another tenant
 */
export const SESSION_INTERNAL_ROUTES = {
  /** POST CreateSessionRequest → 201 SessionStatusResponse (applies the policy: may evict the oldest sessions). */
  create: '/internal/v1/sessions',
  /**
   * POST TouchSessionRequest → 200 SessionStatusResponse. Records activity when the session is
   * active; a revoked, expired or idle session answers `active: false` and is not touched (an expired
   * or idle one is revoked then, with reason `expired` / `idle_timeout`).
   */
  touch: (sessionId: string) => `/internal/v1/sessions/${encodeURIComponent(sessionId)}/touch`,
  /** POST RevokeSessionRequest → 200 SessionStatusResponse; revoking a revoked session changes nothing. */
  revoke: (sessionId: string) => `/internal/v1/sessions/${encodeURIComponent(sessionId)}/revoke`,
  /** GET `?tenant_id=` → 200 SessionStatusResponse (no side effect). */
  status: (sessionId: string) => `/internal/v1/sessions/${encodeURIComponent(sessionId)}`,
  /**
   * GET `?since=<ISO 8601>&cursor=<next_cursor>&limit=<1..5000>` → 200 RevocationFeedResponse:
   * revocations at or after `since`, never older than the feed window (the longest token lifetime).
   * Without `since`: the whole window. Page with `cursor` until `next_cursor` is null.
   */
  revocations: '/internal/v1/revocations',
  /**
   * POST SignInRevocationQuery → 200 SignInRevocationResponse: whether a browser sign-in (auth-server's
   * session cookie) was signed out, from the sessions it started and the user's subject revocations
   * since it began (ADR 15). No side effect.
   */
  signInRevocation: '/internal/v1/sign-in-revocation',
} as const;

export const INTERNAL_REVOCATION_REASONS = ['logout', 'admin', 'refresh_token_reuse', 'user_deleted', 'password_changed'] as const;
export type InternalRevocationReason = (typeof INTERNAL_REVOCATION_REASONS)[number];

/** Seed 002's deviceInfo (device or deviceType, deviceName, browser, os); values from the User-Agent fill the gaps. */
export class SessionDeviceRequest {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  device_type?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  device_name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  browser?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  os?: string;
}

/** What the application's registration says about its sessions (seed 002 settings); absent fields inherit the tenant's. */
export class ApplicationSessionPolicyRequest {
  /** Seed 002 `sessionTimeout`: idle timeout in seconds. */
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(31536000)
  idle_timeout_seconds?: number;

  /** Seed 002 `maxSessions`: the oldest active session of the user in this application is revoked beyond it. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  max_sessions?: number;
}

export class CreateSessionRequest {
  @IsUUID()
  tenant_id!: string;

  @IsUUID()
  user_id!: string;

  /** The OAuth client (application) the login was for. */
  @IsString()
  @Length(1, 128)
  client_id!: string;

  /** Shown in admin lists (seed 002 applicationName); a snapshot, not kept in sync. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  client_name?: string;

  /** Shown in admin lists (seed 002 userEmail); purged with the user's sessions. */
  @IsOptional()
  @IsString()
  @MaxLength(320)
  user_email?: string;

  @IsOptional()
  @IsIP()
  ip_address?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  user_agent?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => SessionDeviceRequest)
  device?: SessionDeviceRequest;

  /** Coarse location when the caller knows it (an edge header); never derived from the IP here. */
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code' })
  country?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  city?: string;

  /** The remember-me lifetime applies instead of the absolute lifetime. */
  @IsOptional()
  @IsBoolean()
  remember_me?: boolean;

  /** RFC 8176 methods of the login (`pwd`, `otp`, `mfa`, `hwk`, ...). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(16, { each: true })
  amr?: string[];

  @IsOptional()
  @ValidateNested()
  @Type(() => ApplicationSessionPolicyRequest)
  application_policy?: ApplicationSessionPolicyRequest;
}

export class TouchSessionRequest {
  @IsUUID()
  tenant_id!: string;
}

export class RevokeSessionRequest {
  @IsUUID()
  tenant_id!: string;

  @IsIn(INTERNAL_REVOCATION_REASONS)
  reason!: InternalRevocationReason;
}

export class SessionStatusQuery {
  @IsUUID()
  tenant_id!: string;
}

export class RevocationFeedQuery {
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/, { message: 'since must be an ISO 8601 date-time' })
  since?: string;

  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be a next_cursor of an earlier page' })
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

export type SessionState = 'active' | 'revoked' | 'expired' | 'idle';

export interface SessionStatusResponse {
  id: string;
  tenant_id: string;
  user_id: string;
  client_id: string;
  /** True only for `state: active`. */
  active: boolean;
  state: SessionState;
  created_at: string;
  last_activity_at: string;
  /** Absolute end (the policy's lifetime, or the remember-me lifetime). */
  expires_at: string;
  /** When the session ends without activity (the idle timeout from the last activity). */
  idle_expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  amr: string[];
}

/** One entry of the revocation feed: a revoked session, or a revoked subject (every session of a user). */
export interface RevocationEntry {
  kind: 'session' | 'subject';
  tenant_id: string;
  user_id: string;
  /** Null for subject revocations. */
  session_id: string | null;
  reason: string;
  revoked_at: string;
}

export interface RevocationFeedResponse {
  revocations: RevocationEntry[];
  /** Oldest revocation time the feed still serves (now minus the longest token lifetime). */
  window_start: string;
  generated_at: string;
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

/** A browser sign-in as auth-server knows it: the user, when it began, and the sessions it started. */
export class SignInRevocationQuery {
  @IsUUID()
  tenant_id!: string;

  @IsUUID()
  user_id!: string;

  /** When the user signed in (ISO 8601): subject revocations at or after it end the sign-in. */
  @IsISO8601()
  since!: string;

  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  session_ids!: string[];
}

export interface SignInRevocationResponse {
  /** A session the sign-in started was revoked on purpose (or is gone), or the user was signed out everywhere since. */
  revoked: boolean;
  /** The revocation reason that decided it; null when not revoked. */
  reason: string | null;
}
