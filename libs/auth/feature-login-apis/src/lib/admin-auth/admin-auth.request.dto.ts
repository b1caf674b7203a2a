import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';

export const ADMIN_AUTH_ACTIONS = ['login', 'register', 'refresh', 'logout', 'verify'] as const;
export type AdminAuthAction = (typeof ADMIN_AUTH_ACTIONS)[number];

/** Seed 002's deviceInfo: what the client says about the device (echoed in the session, never trusted). */
export class DeviceInfo {
  @ApiPropertyOptional({ example: 'Desktop' }) @IsOptional() @IsString() @MaxLength(100) device?: string;
  @ApiPropertyOptional({ example: 'Chrome' }) @IsOptional() @IsString() @MaxLength(100) browser?: string;
  @ApiPropertyOptional({ example: 'Windows' }) @IsOptional() @IsString() @MaxLength(100) os?: string;
  @ApiPropertyOptional({ example: 'Mozilla/5.0...' }) @IsOptional() @IsString() @MaxLength(512) userAgent?: string;
}

/** Seed 002's `POST /api/admin/identity/auth` body: one shape for every action; each action names the fields it needs. */
export class AdminAuthRequest {
  @ApiProperty({ enum: ADMIN_AUTH_ACTIONS })
  @IsIn(ADMIN_AUTH_ACTIONS)
  action!: AdminAuthAction;

  @ApiPropertyOptional({ description: 'The application (client_id of the client registry); absent: the built-in first-party client and the default tenant' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  clientId?: string;

  @ApiPropertyOptional({ description: 'login, register: email (login also accepts a username)', example: 'user@example.com' })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  email?: string;

  @ApiPropertyOptional({ description: 'login, register' })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  password?: string;

  @ApiPropertyOptional({ description: 'login, second step: the mfaSessionId the first step answered (then no email or password)' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  mfaSessionId?: string;

  @ApiPropertyOptional({ description: 'login, second step: a 6-digit TOTP code', example: '123456' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'totpCode must be 6 digits' })
  totpCode?: string;

  @ApiPropertyOptional({ description: 'login, second step: a single-use recovery code instead of totpCode' })
  @IsOptional()
  @IsString()
  @Length(6, 64)
  recoveryCode?: string;

  @ApiPropertyOptional({ description: 'register' }) @IsOptional() @IsString() @MaxLength(100) firstName?: string;
  @ApiPropertyOptional({ description: 'register' }) @IsOptional() @IsString() @MaxLength(100) lastName?: string;

  @ApiPropertyOptional({ type: DeviceInfo, description: 'login, register' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DeviceInfo)
  deviceInfo?: DeviceInfo;

  @ApiPropertyOptional({ description: "login: keep the session the tenant's full refresh-token lifetime instead of the application's sessionTimeout" })
  @IsOptional()
  @IsBoolean()
  rememberMe?: boolean;

  @ApiPropertyOptional({ description: 'register: must be true' })
  @IsOptional()
  @IsBoolean()
  acceptTerms?: boolean;

  @ApiPropertyOptional({ description: 'refresh' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  refreshToken?: string;

  @ApiPropertyOptional({ description: 'logout, verify' })
  @IsOptional()
  @IsString()
  @Length(1, 8192)
  accessToken?: string;

  @ApiPropertyOptional({ description: "logout: end every session of the token's user, not only the token's own" })
  @IsOptional()
  @IsBoolean()
  allSessions?: boolean;
}
