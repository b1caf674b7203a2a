import { IsOptional, IsUUID } from 'class-validator';

export class ActiveSessionsQuery {
  /** Seed 001: must be the caller's own tenant when given. */
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

export class SubjectRevokeRequest {
  @IsUUID()
  user_id!: string;

  @IsUUID()
  tenant_id!: string;
}

export class RevokeSessionQuery {
  /** Another tenant's session, for platform operators only (ADR 15). */
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}
