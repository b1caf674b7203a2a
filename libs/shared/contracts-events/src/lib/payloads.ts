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

/**
 * The services that hold personal data and answer privacy events, by the name they use in
 * `export.part` and `erasure.acknowledged`.
 */
export const PRIVACY_SERVICES = ['user-directory', 'auth-server', 'session-service', 'privacy-worker'] as const;
export type PrivacyService = (typeof PRIVACY_SERVICES)[number];

/**
 * Largest `ciphertext` one `export.part` carries (characters, ASCII). With the envelope it stays
 * far below the broker's `message.max.bytes` (1 MiB by default); the outbox relay also caps the
 * bytes it sends in one batch (see data-access-events).
 */
export const EXPORT_PART_MAX_CHARS = 256 * 1024;

export class ExportRequestedV1 {
  @IsUUID()
  job_id!: string;

  @IsUUID()
  user_id!: string;

  /** The services expected to answer with their `export.part`s. */
  @IsArray()
  @IsIn(PRIVACY_SERVICES, { each: true })
  services!: PrivacyService[];

  /**
   * The job's public key (a JWK, JSON-encoded, ECDH-ES on X25519): every slice travels encrypted
   * to it as a compact JWE, so no personal data crosses the broker in the clear. The worker keeps
   * the private key only until the job is assembled.
   */
  @IsString()
  @MaxLength(1024)
  recipient_key!: string;
}

/**
 * One chunk of one service's slice of an export: the slice is a JSON document encrypted to the
 * job's `recipient_key` (compact JWE), cut into `total_parts` pieces joined in `part` order.
 */
export class ExportPartV1 {
  @IsUUID()
  job_id!: string;

  @IsIn(PRIVACY_SERVICES)
  service!: PrivacyService;

  @IsInt()
  @Min(0)
  @Max(9999)
  part!: number;

  @IsInt()
  @Min(1)
  @Max(10000)
  total_parts!: number;

  @IsString()
  @Matches(/^[A-Za-z0-9_.-]+$/)
  @MaxLength(EXPORT_PART_MAX_CHARS)
  ciphertext!: string;
}

export class ExportCompletedV1 {
  @IsUUID()
  job_id!: string;

  @IsUUID()
  user_id!: string;

  @IsIn(['completed', 'failed'])
  status!: 'completed' | 'failed';
}

/** The worker asks the directory to erase a user (who then publishes `user.deleted`). */
export class ErasureRequestedV1 {
  @IsUUID()
  request_id!: string;

  @IsUUID()
  user_id!: string;
}

export class ErasureAcknowledgedV1 {
  @IsUUID()
  request_id!: string;

  @IsUUID()
  user_id!: string;

  @IsIn(PRIVACY_SERVICES)
  service!: PrivacyService;
}
