import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

export class AdminSessionsQuery {
  /** Another tenant, for platform operators only (ADR 15); the caller's own by default. */
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @IsOptional()
  @IsUUID()
  userId?: string;

  /** The application's client id (sessions belong to OAuth clients). */
  @IsOptional()
  @IsString()
  @Length(1, 128)
  applicationId?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  active?: 'true' | 'false';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class AdminRevokeQuery {
  /** Another tenant, for platform operators only (ADR 15); the caller's own by default. */
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @IsOptional()
  @IsUUID()
  sessionId?: string;

  @IsOptional()
  @IsUUID()
  userId?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  revokeAll?: 'true' | 'false';
}

/** A tenant's session policy; absent fields inherit the service defaults. */
export class SessionPolicyRequest {
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(31_536_000)
  idleTimeout?: number;

  @IsOptional()
  @IsInt()
  @Min(300)
  @Max(31_536_000)
  absoluteLifetime?: number;

  @IsOptional()
  @IsInt()
  @Min(300)
  @Max(31_536_000)
  rememberMeLifetime?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxSessions?: number;
}
