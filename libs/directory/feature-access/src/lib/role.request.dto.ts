import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { SLUG_PATTERN } from './permission-grants';

const NOT_BLANK = /\S/;
const COLOR = /^#[0-9a-fA-F]{6}$/;
const ICON = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Seed 004's `POST /api/v1/roles`. */
export class CreateRoleRequest {
  @IsString()
  @MaxLength(100)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(130, { each: true })
  permissions?: string[];
}

/** Presentation and permissions shared by seed 002's roles and groups. */
class AdminGrantRequest {
  @IsString()
  @MaxLength(100)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name!: string;

  /** Derived from the name when absent. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case letters and digits separated by single hyphens' })
  slug?: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(130, { each: true })
  permissions?: string[];

  @IsOptional()
  @IsString()
  @Matches(COLOR, { message: 'color must be #rrggbb' })
  color?: string;

  @IsOptional()
  @IsString()
  @Matches(ICON, { message: 'icon must be an icon name of lower-case letters, digits and hyphens' })
  icon?: string;

  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;
}

/** Seed 002's `POST /api/admin/identity/roles`. */
export class AdminCreateRoleRequest extends AdminGrantRequest {
  /** 1–99 (100 is super-admin's); 60 when absent, as seed 002 shows. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(99)
  level?: number;
}

/** Seed 002's `POST /api/admin/identity/groups`. */
export class AdminCreateGroupRequest extends AdminGrantRequest {}

/** `POST /api/v1/users/{id}/roles`: seed 004's `{role_ids}` or the SDK's `{role: "name"}`. */
export class AssignRolesRequest {
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  role_ids?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(NOT_BLANK, { message: 'role must not be blank' })
  role?: string;
}

/** `tenant_id` lets a platform operator act on another tenant (TenantScope). */
export class TenantQuery {
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

export class AdminRolesQuery {
  @IsOptional()
  @IsIn(['true', 'false'])
  includeSystem?: 'true' | 'false';
}

export class PermissionsQuery {
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_-]{0,62}$/, { message: 'module must be a module name such as users' })
  module?: string;
}
