import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  APP_TYPES,
  AppType,
  CLIENT_STATUSES,
  CLIENT_TYPES,
  ClientStatus,
  ClientType,
  TOKEN_ENDPOINT_AUTH_METHODS,
  TokenEndpointAuthMethod,
} from '@sigma/auth/data-access-clients';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { LIFETIME_BOUNDS, MAX_SCOPES, MAX_URI_LENGTH, MAX_URIS } from './client-options.request.dto';
import { ClientRegistrationInput, RegistrationFieldNames } from './client-registration';

const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/** Seed 002's application settings; absent members take the defaults. */
export class ApplicationSettingsRequest {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  allowRegistration?: boolean;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  requireEmailVerification?: boolean;

  @ApiPropertyOptional({ default: 'user' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  defaultRole?: string;

  @ApiPropertyOptional({ description: 'Seconds (60 to 30 days).', default: 3600 })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(2592000)
  sessionTimeout?: number;

  @ApiPropertyOptional({ default: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxSessions?: number;
}

/** Seed 002's application branding. */
export class ApplicationBrandingRequest {
  @ApiPropertyOptional({ example: '#3b82f6' })
  @IsOptional()
  @Matches(COLOR, { message: 'primaryColor must be a hex colour such as #3b82f6' })
  primaryColor?: string;

  @ApiPropertyOptional({ example: '#64748b' })
  @IsOptional()
  @Matches(COLOR, { message: 'secondaryColor must be a hex colour such as #64748b' })
  secondaryColor?: string;

  @ApiPropertyOptional({ nullable: true, description: 'https URL of the logo (http only on loopback).' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @MaxLength(MAX_URI_LENGTH)
  logoUrl?: string | null;
}

/** Per-client token lifetimes in seconds (absent: the tenant's default). */
export class ApplicationTokenLifetimesRequest {
  @ApiPropertyOptional({ minimum: 60, maximum: 86400 })
  @IsOptional()
  @IsInt()
  @Min(LIFETIME_BOUNDS.accessToken[0])
  @Max(LIFETIME_BOUNDS.accessToken[1])
  accessToken?: number;

  @ApiPropertyOptional({ minimum: 300, maximum: 31536000 })
  @IsOptional()
  @IsInt()
  @Min(LIFETIME_BOUNDS.refreshToken[0])
  @Max(LIFETIME_BOUNDS.refreshToken[1])
  refreshToken?: number;

  @ApiPropertyOptional({ minimum: 60, maximum: 86400 })
  @IsOptional()
  @IsInt()
  @Min(LIFETIME_BOUNDS.idToken[0])
  @Max(LIFETIME_BOUNDS.idToken[1])
  idToken?: number;
}

/** Seed 002's POST /api/admin/identity/applications body, plus the registry's optional settings (camelCase). */
export class RegisterApplicationRequest {
  @ApiProperty({ example: 'New Application' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'new-app', description: 'Default: derived from the name (a suffix is added when taken). A slug used in the tenant is 409.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  slug?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ enum: APP_TYPES, default: 'web' })
  @IsOptional()
  @IsIn(APP_TYPES)
  type?: AppType;

  @ApiPropertyOptional({ enum: CLIENT_STATUSES, default: 'pending', description: 'Not in seed 002 (which always answers pending); only active clients can obtain tokens.' })
  @IsOptional()
  @IsIn(CLIENT_STATUSES)
  status?: ClientStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_URI_LENGTH)
  url?: string;

  @ApiPropertyOptional({ type: [String], description: 'Redirect URIs, matched exactly.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_URIS)
  @IsString({ each: true })
  @MaxLength(MAX_URI_LENGTH, { each: true })
  callbackUrls?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_URIS)
  @IsString({ each: true })
  @MaxLength(MAX_URI_LENGTH, { each: true })
  allowedOrigins?: string[];

  @ApiPropertyOptional({ type: ApplicationSettingsRequest })
  @IsOptional()
  @ValidateNested()
  @Type(() => ApplicationSettingsRequest)
  settings?: ApplicationSettingsRequest;

  @ApiPropertyOptional({ type: ApplicationBrandingRequest })
  @IsOptional()
  @ValidateNested()
  @Type(() => ApplicationBrandingRequest)
  branding?: ApplicationBrandingRequest;

  @ApiPropertyOptional({ enum: CLIENT_TYPES, description: 'Default: confidential for web, public for mobile and desktop.' })
  @IsOptional()
  @IsIn(CLIENT_TYPES)
  clientType?: ClientType;

  @ApiPropertyOptional({ type: [String], description: 'Default: authorization_code, refresh_token.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  grantTypes?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Default: openid, profile, email.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SCOPES)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  scopes?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_URIS)
  @IsString({ each: true })
  @MaxLength(MAX_URI_LENGTH, { each: true })
  postLogoutRedirectUris?: string[];

  @ApiPropertyOptional({ type: ApplicationTokenLifetimesRequest })
  @IsOptional()
  @ValidateNested()
  @Type(() => ApplicationTokenLifetimesRequest)
  tokenLifetimes?: ApplicationTokenLifetimesRequest;

  @ApiPropertyOptional({ enum: TOKEN_ENDPOINT_AUTH_METHODS })
  @IsOptional()
  @IsIn(TOKEN_ENDPOINT_AUTH_METHODS)
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;

  @ApiPropertyOptional()
  @IsOptional()
  @IsObject()
  jwks?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_URI_LENGTH)
  jwksUri?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  requirePkce?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allowPlainPkce?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  dpopBound?: boolean;

  @ApiPropertyOptional({ description: 'DPoP proofs must carry a fresh server nonce (RFC 9449 §8). Default false; always true for FAPI 2.0.' })
  @IsOptional()
  @IsBoolean()
  dpopNonceRequired?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  requirePar?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  fapi2?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allowImplicit?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  firstParty?: boolean;
}

/** Seed 002's list filters, plus optional paging (default: the first 100). */
export class ListRegisteredApplicationsRequest {
  @ApiPropertyOptional({ enum: CLIENT_STATUSES })
  @IsOptional()
  @IsIn(CLIENT_STATUSES)
  status?: ClientStatus;

  @ApiPropertyOptional({ enum: APP_TYPES })
  @IsOptional()
  @IsIn(APP_TYPES)
  type?: AppType;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/** Field names as seed 002 spells them, for validation details. */
export const CAMEL_CASE_FIELD_NAMES: RegistrationFieldNames = {
  name: 'name',
  slug: 'slug',
  description: 'description',
  clientType: 'clientType',
  appType: 'type',
  url: 'url',
  redirectUris: 'callbackUrls',
  postLogoutRedirectUris: 'postLogoutRedirectUris',
  grantTypes: 'grantTypes',
  scopes: 'scopes',
  allowedOrigins: 'allowedOrigins',
  tokenLifetimes: 'tokenLifetimes',
  tokenEndpointAuthMethod: 'tokenEndpointAuthMethod',
  jwks: 'jwks',
  jwksUri: 'jwksUri',
  requirePkce: 'requirePkce',
  allowPlainPkce: 'allowPlainPkce',
  dpopBound: 'dpopBound',
  dpopNonceRequired: 'dpopNonceRequired',
  requirePar: 'requirePar',
  fapi2: 'fapi2',
  allowImplicit: 'allowImplicit',
  firstParty: 'firstParty',
  settings: 'settings',
  branding: 'branding',
};

/** The registration a seed 002 request asks for; new applications are `pending` unless `status` says otherwise. */
export function registrationOfAdminRequest(request: RegisterApplicationRequest): ClientRegistrationInput {
  return {
    name: request.name,
    status: request.status ?? 'pending',
    slug: request.slug,
    description: request.description,
    clientType: request.clientType,
    appType: request.type,
    url: request.url,
    redirectUris: request.callbackUrls,
    postLogoutRedirectUris: request.postLogoutRedirectUris,
    grantTypes: request.grantTypes,
    scopes: request.scopes,
    allowedOrigins: request.allowedOrigins,
    tokenLifetimes: request.tokenLifetimes && { ...request.tokenLifetimes },
    tokenEndpointAuthMethod: request.tokenEndpointAuthMethod,
    jwks: request.jwks,
    jwksUri: request.jwksUri,
    requirePkce: request.requirePkce,
    allowPlainPkce: request.allowPlainPkce,
    dpopBound: request.dpopBound,
    dpopNonceRequired: request.dpopNonceRequired,
    requirePar: request.requirePar,
    fapi2: request.fapi2,
    allowImplicit: request.allowImplicit,
    firstParty: request.firstParty,
    settings: request.settings && { ...request.settings },
    branding: request.branding && { ...request.branding },
  };
}
