import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROVIDER_TYPES, type ProviderType, UPSTREAM_AUTH_METHODS, type UpstreamAuthMethod } from '@sigma/auth/data-access-federation';
import { Transform, Type } from 'class-transformer';
import { Allow, IsBoolean, IsDefined, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PRESET_NAMES } from './provider-presets';

const URL_LENGTH = 2048;
const CLAIM_NAME = /^[A-Za-z0-9_:.-]{1,64}$/;

/** Member names of the ID token or user-info answer (top-level) that hold each fact. */
export class ClaimMappingRequest {
  @ApiPropertyOptional({ example: 'sub' }) @IsOptional() @Matches(CLAIM_NAME) subject?: string;
  @ApiPropertyOptional({ example: 'email' }) @IsOptional() @Matches(CLAIM_NAME) email?: string;
  @ApiPropertyOptional({ example: 'email_verified' }) @IsOptional() @Matches(CLAIM_NAME) emailVerified?: string;
  @ApiPropertyOptional({ example: 'name' }) @IsOptional() @Matches(CLAIM_NAME) name?: string;
  @ApiPropertyOptional({ example: 'given_name' }) @IsOptional() @Matches(CLAIM_NAME) givenName?: string;
  @ApiPropertyOptional({ example: 'family_name' }) @IsOptional() @Matches(CLAIM_NAME) familyName?: string;
  @ApiPropertyOptional({ example: 'picture' }) @IsOptional() @Matches(CLAIM_NAME) picture?: string;
}

/** The provider's client registration and endpoints (seed 002's `config`, plus discovery and claim mapping). */
export class SsoProviderConfigRequest {
  @ApiProperty({ example: 'your-google-client-id' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  clientId!: string;

  @ApiPropertyOptional({ description: 'Stored encrypted, never answered. Omitted on a replacement: the stored secret stays.', writeOnly: true })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  clientSecret?: string;

  @ApiPropertyOptional({ description: 'Space- or comma-separated string, or an array', oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  @Allow()
  scope?: unknown;

  @ApiPropertyOptional({ description: 'OpenID issuer; with no endpoints given, they are discovered from it' })
  @IsOptional()
  @IsString()
  @MaxLength(URL_LENGTH)
  issuer?: string;

  @ApiPropertyOptional({ description: 'Discovery document URL, when not at the issuer\'s /.well-known/openid-configuration' })
  @IsOptional()
  @IsString()
  @MaxLength(URL_LENGTH)
  discoveryUrl?: string;

  @ApiPropertyOptional({ example: 'https://accounts.google.com/o/oauth2/v2/auth' }) @IsOptional() @IsString() @MaxLength(URL_LENGTH) authUrl?: string;
  @ApiPropertyOptional({ example: 'https://oauth2.googleapis.com/token' }) @IsOptional() @IsString() @MaxLength(URL_LENGTH) tokenUrl?: string;
  @ApiPropertyOptional({ example: 'https://openidconnect.googleapis.com/v1/userinfo' }) @IsOptional() @IsString() @MaxLength(URL_LENGTH) userInfoUrl?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(URL_LENGTH) jwksUri?: string;

  @ApiPropertyOptional({ description: 'GitHub-style list of the user\'s email addresses with their verification' })
  @IsOptional()
  @IsString()
  @MaxLength(URL_LENGTH)
  emailsUrl?: string;

  @ApiPropertyOptional({ enum: UPSTREAM_AUTH_METHODS })
  @IsOptional()
  @IsIn(UPSTREAM_AUTH_METHODS)
  tokenEndpointAuthMethod?: UpstreamAuthMethod;

  @ApiPropertyOptional({ type: ClaimMappingRequest })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ClaimMappingRequest)
  claims?: ClaimMappingRequest;
}

export class SsoProviderMetadataRequest {
  @ApiPropertyOptional({ default: true, description: 'Create a user for a new identity' }) @IsOptional() @IsBoolean() allowSignup?: boolean;
  @ApiPropertyOptional({ description: 'Refuse sign-ins whose email the provider did not verify (preset default)' }) @IsOptional() @IsBoolean() requireEmailVerified?: boolean;
  @ApiPropertyOptional({ default: false, description: 'Link a new identity to the user with the same, provider-verified email' })
  @IsOptional()
  @IsBoolean()
  autoLinkByEmail?: boolean;
}

/** Seed 002's PUT body: creates the provider, or replaces the one of the same name. */
export class PutSsoProviderRequest {
  @ApiProperty({ example: 'GitHub', description: 'Its lower-case, hyphenated form is the provider\'s URL name (`github`); a preset\'s name selects the preset' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/, { message: 'name must be 1-63 letters, digits, spaces, dots, hyphens or underscores' })
  name!: string;

  @ApiPropertyOptional({ enum: PROVIDER_TYPES, description: 'Default: the preset\'s, else oidc with an issuer, else oauth2' })
  @IsOptional()
  @IsIn(PROVIDER_TYPES)
  type?: ProviderType;

  @ApiPropertyOptional({ enum: PRESET_NAMES, description: 'Default: the preset named like the provider, if any' })
  @IsOptional()
  @IsIn(PRESET_NAMES)
  preset?: string;

  @ApiPropertyOptional({ example: 'Continue with GitHub' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) displayName?: string;

  @ApiProperty({ type: SsoProviderConfigRequest })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SsoProviderConfigRequest)
  config!: SsoProviderConfigRequest;

  @ApiPropertyOptional({ example: 'github' }) @IsOptional() @IsString() @MaxLength(URL_LENGTH) icon?: string;

  @ApiPropertyOptional({ example: '#333333' })
  @IsOptional()
  @Matches(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, { message: 'color must be a #rgb or #rrggbb colour' })
  color?: string;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;

  @ApiPropertyOptional({ type: SsoProviderMetadataRequest })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SsoProviderMetadataRequest)
  metadata?: SsoProviderMetadataRequest;
}

export class ListSsoProvidersRequest {
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}
