import { IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/**
 * Event payloads carry ids and minimal facts only: never a secret, password, token or profile.
 * Never rename a field or change its meaning: add a new version of the payload instead.
 */

export class UserCreatedV1 {
  @IsUUID()
  user_id!: string;
}

export class UserUpdatedV1 {
  @IsUUID()
  user_id!: string;

  /** Names of the attributes that changed (`email`, `roles`, `is_active`, ...), never their values. */
  @IsArray()
  @IsString({ each: true })
  @Matches(/^[a-z_]{1,64}$/, { each: true })
  changed_fields!: string[];
}

export class UserDeletedV1 {
  @IsUUID()
  user_id!: string;

  /** The privacy erasure request that caused the deletion, when one did. */
  @IsOptional()
  @IsUUID()
  erasure_request_id?: string;
}

export class SessionCreatedV1 {
  @IsUUID()
  session_id!: string;

  @IsUUID()
  user_id!: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  client_id?: string;
}

export const SESSION_REVOCATION_REASONS = [
  'logout',
  'admin',
  'max_sessions',
  'idle_timeout',
  'expired',
  'password_changed',
  'refresh_token_reuse',
  'user_deleted',
  'subject_revoked',
] as const;

export class SessionRevokedV1 {
  @IsUUID()
  session_id!: string;

  @IsUUID()
  user_id!: string;

  @IsIn(SESSION_REVOCATION_REASONS)
  reason!: (typeof SESSION_REVOCATION_REASONS)[number];

  @IsISO8601()
  revoked_at!: string;
}

export class ExportRequestedV1 {
  @IsUUID()
  job_id!: string;

  @IsUUID()
  user_id!: string;

  /** The services expected to answer with an `export.part`. */
  @IsArray()
  @IsString({ each: true })
  services!: string[];
}

export class ExportPartV1 {
  @IsUUID()
  job_id!: string;

  @IsString()
  @MaxLength(64)
  service!: string;

  @IsInt()
  @Min(0)
  part!: number;

  @IsInt()
  @Min(1)
  @Max(100000)
  total_parts!: number;

  /** Where the service stored its slice for the worker to collect (never the data itself). */
  @IsString()
  @MaxLength(2048)
  location!: string;
}

export class ExportCompletedV1 {
  @IsUUID()
  job_id!: string;

  @IsUUID()
  user_id!: string;
}

export class ErasureAcknowledgedV1 {
  @IsUUID()
  request_id!: string;

  @IsUUID()
  user_id!: string;

  @IsString()
  @MaxLength(64)
  service!: string;
}
