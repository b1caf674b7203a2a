import { ApiProperty } from '@nestjs/swagger';
import type { IdentityClaims } from '@sigma/shared/contracts-internal';

/** The user object of API.md: the union of seed 000's UserResponse and seed 004's user. */
export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ nullable: true, type: String }) first_name!: string | null;
  @ApiProperty({ nullable: true, type: String }) last_name!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'First and last name; null when neither is set' }) full_name!: string | null;
  @ApiProperty() email_verified!: boolean;
  @ApiProperty() is_active!: boolean;
  @ApiProperty({ type: [String], description: 'Role names' }) roles!: string[];
  @ApiProperty({ type: [String], description: 'Effective permissions (resource:action)' }) permissions!: string[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) created_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) updated_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_login!: string | null;
}

export function userResponseOf(claims: IdentityClaims): UserResponse {
  const fullName = [claims.first_name, claims.last_name].filter((part): part is string => !!part && part.trim().length > 0).join(' ');
  return {
    id: claims.user_id,
    username: claims.username,
    email: claims.email,
    tenant_id: claims.tenant_id,
    first_name: claims.first_name,
    last_name: claims.last_name,
    full_name: fullName.length > 0 ? fullName : null,
    email_verified: claims.email_verified,
    is_active: claims.is_active,
    roles: [...claims.roles],
    permissions: [...claims.permissions],
    created_at: claims.created_at ?? null,
    updated_at: claims.updated_at ?? null,
    last_login: claims.last_login,
  };
}
