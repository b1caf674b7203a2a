import { MAX_PAGE, MAX_PAGE_SIZE, MAX_SEARCH_LENGTH } from '@sigma/directory/domain';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';

/** Optional, but when present not null: for fields a client may leave out but never clear. */
export const IsPresentOrAbsent = (): PropertyDecorator => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Letters, digits and `._@+-`: an email address is a valid username (seed 004 uses one). */
export const USERNAME_PATTERN = /^[A-Za-z0-9._@+-]+$/;
const NOT_BLANK = /\S/;
const MAX_PASSWORD_INPUT = 1024;

/** Page, size (seed 000) or limit (seed 004), both at most 100. */
export class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  size?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

/** `GET /api/v1/users` (seeds 000 and 004). */
export class ListUsersQuery extends PageQuery {
  /** `field:asc|desc`. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  sort?: string;

  /** `key:value,key2:value2`. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  filter?: string;

  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

/** `?tenant_id=`: a platform operator acting on another tenant. */
export class TenantQuery {
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

/** `POST /api/v1/users` (seeds 000 and 004). */
export class CreateUserRequest {
  @IsEmail()
  @MaxLength(320)
  email!: string;

  /** Defaults to the email address. */
  @IsPresentOrAbsent()
  @IsString()
  @Length(1, 320)
  @Matches(USERNAME_PATTERN, { message: 'username may contain letters, digits and . _ @ + - only' })
  username?: string;

  @IsString()
  @MaxLength(MAX_PASSWORD_INPUT)
  password!: string;

  /** Another tenant than the caller's: platform operators only. */
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  first_name?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  last_name?: string | null;

  /** Split into first and last name at the first space when those are not given. */
  @IsOptional()
  @IsString()
  @MaxLength(201)
  full_name?: string | null;

  /** Role names or slugs of the tenant; the tenant's default role (`user`) when absent or empty. */
  @IsPresentOrAbsent()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  roles?: string[];

  @IsPresentOrAbsent()
  @IsBoolean()
  email_verified?: boolean;

  @IsPresentOrAbsent()
  @IsBoolean()
  is_active?: boolean;
}

/** `PUT /api/v1/users/{id}` (seeds 000 and 004): every field optional; names may be null to clear them. */
export class UpdateUserRequest {
  @IsPresentOrAbsent()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @IsPresentOrAbsent()
  @IsString()
  @Length(1, 320)
  @Matches(USERNAME_PATTERN, { message: 'username may contain letters, digits and . _ @ + - only' })
  username?: string;

  @IsPresentOrAbsent()
  @IsString()
  @MaxLength(MAX_PASSWORD_INPUT)
  password?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  first_name?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  last_name?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(201)
  full_name?: string | null;

  /** Replaces the user's roles (names or slugs of the tenant). */
  @IsPresentOrAbsent()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  roles?: string[];

  @IsPresentOrAbsent()
  @IsBoolean()
  email_verified?: boolean;

  @IsPresentOrAbsent()
  @IsBoolean()
  is_active?: boolean;
}

/** `GET /api/admin/users` (seed 002). */
export class AdminListUsersQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  /** Substring of the email, first name or last name (case-insensitive); 1-2 characters match their start. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SEARCH_LENGTH)
  search?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  role?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  isActive?: 'true' | 'false';
}

/** `POST /api/admin/users` (seed 002). */
export class AdminCreateUserRequest {
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @IsString()
  @MaxLength(MAX_PASSWORD_INPUT)
  password!: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  firstName?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastName?: string | null;

  /** Defaults to the email address. */
  @IsPresentOrAbsent()
  @IsString()
  @Length(1, 320)
  @Matches(USERNAME_PATTERN, { message: 'username may contain letters, digits and . _ @ + - only' })
  username?: string;

  /** A role name or slug of the tenant; the default role (`user`) when absent. */
  @IsPresentOrAbsent()
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'role must not be blank' })
  role?: string;

  @IsPresentOrAbsent()
  @IsBoolean()
  isActive?: boolean;

  @IsPresentOrAbsent()
  @IsBoolean()
  isVerified?: boolean;

  /** Accepted; the directory sends no email (no mail transport is configured in the suite). */
  @IsPresentOrAbsent()
  @IsBoolean()
  sendWelcomeEmail?: boolean;
}

/** `PUT /api/admin/users/{userId}` (seed 002). */
export class AdminUpdateUserRequest {
  @IsPresentOrAbsent()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  firstName?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastName?: string | null;

  @IsPresentOrAbsent()
  @IsString()
  @Length(1, 320)
  @Matches(USERNAME_PATTERN, { message: 'username may contain letters, digits and . _ @ + - only' })
  username?: string;

  /** Replaces the user's roles with this one. */
  @IsPresentOrAbsent()
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'role must not be blank' })
  role?: string;

  @IsPresentOrAbsent()
  @IsBoolean()
  isActive?: boolean;

  @IsPresentOrAbsent()
  @IsBoolean()
  isVerified?: boolean;

  @IsPresentOrAbsent()
  @IsString()
  @MaxLength(MAX_PASSWORD_INPUT)
  password?: string;
}

/**
 * `PATCH /api/v1/me` (the seed 000 SDK's updateProfile): names and username, in the API's
 * snake_case or the SDK's camelCase. Email, roles and verification are not the user's to change here.
 */
export class UpdateProfileRequest {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  first_name?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  last_name?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(201)
  full_name?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  firstName?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastName?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(201)
  fullName?: string | null;

  @IsPresentOrAbsent()
  @IsString()
  @Length(1, 320)
  @Matches(USERNAME_PATTERN, { message: 'username may contain letters, digits and . _ @ + - only' })
  username?: string;
}

/** Seed 003's `GET /api/users`: the seed lists every user; pages of up to 1000 keep a large tenant's answer bounded. */
export class TenantApiUsersQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
