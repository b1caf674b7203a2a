import { ApiPropertyOptional } from '@nestjs/swagger';
import { APP_TYPES, AppType, CLIENT_TYPES, ClientType, TOKEN_ENDPOINT_AUTH_METHODS, TokenEndpointAuthMethod } from '@sigma/auth/data-access-clients';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ClientRegistrationInput, RegistrationFieldNames } from './client-registration';

export const MAX_URIS = 50;
export const MAX_URI_LENGTH = 2048;
export const MAX_SCOPES = 100;

/** Lifetimes bounds in seconds, shared by every seed's request. */
export const LIFETIME_BOUNDS = { accessToken: [60, 86400], idToken: [60, 86400], refreshToken: [300, 31536000] } as const;

/** Per-client token lifetimes in seconds (absent: the tenant's default). */
export class TokenLifetimesRequest {
  @ApiPropertyOptional({ minimum: 60, maximum: 86400 })
  @IsOptional()
  @IsInt()
  @Min(LIFETIME_BOUNDS.accessToken[0])
  @Max(LIFETIME_BOUNDS.accessToken[1])
  access_token?: number;

  @ApiPropertyOptional({ minimum: 300, maximum: 31536000 })
  @IsOptional()
  @IsInt()
  @Min(LIFETIME_BOUNDS.refreshToken[0])
  @Max(LIFETIME_BOUNDS.refreshToken[1])
  refresh_token?: number;

  @ApiPropertyOptional({ minimum: 60, maximum: 86400 })
  @IsOptional()
  @IsInt()
  @Min(LIFETIME_BOUNDS.idToken[0])
  @Max(LIFETIME_BOUNDS.idToken[1])
  id_token?: number;
}

/**
 * The registry's settings beyond the seeds' own fields, in the snake_case of seeds 000 and 003.
 * Every one is optional; unknown fields are refused.
 */
export class ClientProtocolOptionsRequest {
  @ApiPropertyOptional({ enum: CLIENT_TYPES, description: 'Default: confidential (public for mobile and desktop applications).' })
  @IsOptional()
  @IsIn(CLIENT_TYPES)
  client_type?: ClientType;

  @ApiPropertyOptional({ type: [String], description: 'Exact redirect URIs: absolute, no fragment; http only on loopback; reverse-domain private-use schemes for mobile/desktop.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_URIS)
  @IsString({ each: true })
  @MaxLength(MAX_URI_LENGTH, { each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Default: authorization_code, refresh_token.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  allowed_grant_types?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Default: openid, profile, email.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SCOPES)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  allowed_scopes?: string[];

  @ApiPropertyOptional({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'Default: derived from the name (a suffix is added when taken).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  slug?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ enum: APP_TYPES, description: 'Default: web.' })
  @IsOptional()
  @IsIn(APP_TYPES)
  app_type?: AppType;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_URI_LENGTH)
  url?: string;

  @ApiPropertyOptional({ type: [String], description: 'CORS origins (scheme://host[:port]).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_URIS)
  @IsString({ each: true })
  @MaxLength(MAX_URI_LENGTH, { each: true })
  allowed_origins?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_URIS)
  @IsString({ each: true })
  @MaxLength(MAX_URI_LENGTH, { each: true })
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({ type: TokenLifetimesRequest })
  @IsOptional()
  @ValidateNested()
  @Type(() => TokenLifetimesRequest)
  token_lifetimes?: TokenLifetimesRequest;

  @ApiPropertyOptional({ enum: TOKEN_ENDPOINT_AUTH_METHODS, description: 'Default: client_secret_basic for confidential clients, none for public ones.' })
  @IsOptional()
  @IsIn(TOKEN_ENDPOINT_AUTH_METHODS)
  token_endpoint_auth_method?: TokenEndpointAuthMethod;

  @ApiPropertyOptional({ description: 'Public JWK Set for private_key_jwt.' })
  @IsOptional()
  @IsObject()
  jwks?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Where the JWK Set for private_key_jwt is published (https).' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_URI_LENGTH)
  jwks_uri?: string;

  @ApiPropertyOptional({ description: 'Default true; always true for public clients and FAPI 2.0.' })
  @IsOptional()
  @IsBoolean()
  require_pkce?: boolean;

  @ApiPropertyOptional({ description: 'Accept PKCE plain besides S256. Default false.' })
  @IsOptional()
  @IsBoolean()
  allow_plain_pkce?: boolean;

  @ApiPropertyOptional({ description: 'Tokens must be DPoP-bound (RFC 9449). Default false.' })
  @IsOptional()
  @IsBoolean()
  dpop_bound?: boolean;

  @ApiPropertyOptional({ description: 'DPoP proofs must carry a fresh server nonce (RFC 9449 §8: use_dpop_nonce, then retry). Default false; always true for FAPI 2.0.' })
  @IsOptional()
  @IsBoolean()
  dpop_nonce_required?: boolean;

  @ApiPropertyOptional({ description: 'Authorization requests must use PAR (RFC 9126). Default false.' })
  @IsOptional()
  @IsBoolean()
  require_par?: boolean;

  @ApiPropertyOptional({ description: 'FAPI 2.0 profile: forces PAR, PKCE S256, DPoP and private_key_jwt; 60 s codes.' })
  @IsOptional()
  @IsBoolean()
  fapi2?: boolean;

  @ApiPropertyOptional({ description: 'Permit the implicit grant (RFC 9700 discourages it). Default false.' })
  @IsOptional()
  @IsBoolean()
  allow_implicit?: boolean;

  @ApiPropertyOptional({ description: 'First-party applications skip the consent page. Default false.' })
  @IsOptional()
  @IsBoolean()
  first_party?: boolean;
}

/** Field names as seeds 000 and 003 spell them, for validation details. */
export function snakeCaseFieldNames(nameField: string): RegistrationFieldNames {
  return {
    name: nameField,
    slug: 'slug',
    description: 'description',
    clientType: 'client_type',
    appType: 'app_type',
    url: 'url',
    redirectUris: 'redirect_uris',
    postLogoutRedirectUris: 'post_logout_redirect_uris',
    grantTypes: 'allowed_grant_types',
    scopes: 'allowed_scopes',
    allowedOrigins: 'allowed_origins',
    tokenLifetimes: 'token_lifetimes',
    tokenEndpointAuthMethod: 'token_endpoint_auth_method',
    jwks: 'jwks',
    jwksUri: 'jwks_uri',
    requirePkce: 'require_pkce',
    allowPlainPkce: 'allow_plain_pkce',
    dpopBound: 'dpop_bound',
    dpopNonceRequired: 'dpop_nonce_required',
    requirePar: 'require_par',
    fapi2: 'fapi2',
    allowImplicit: 'allow_implicit',
    firstParty: 'first_party',
    settings: 'settings',
    branding: 'branding',
  };
}

/** The registration a snake_case request asks for. */
export function registrationOfSnakeCase(name: string, request: ClientProtocolOptionsRequest, status: ClientRegistrationInput['status']): ClientRegistrationInput {
  return {
    name,
    status,
    slug: request.slug,
    description: request.description,
    clientType: request.client_type,
    appType: request.app_type,
    url: request.url,
    redirectUris: request.redirect_uris,
    postLogoutRedirectUris: request.post_logout_redirect_uris,
    grantTypes: request.allowed_grant_types,
    scopes: request.allowed_scopes,
    allowedOrigins: request.allowed_origins,
    tokenLifetimes: request.token_lifetimes && {
      accessToken: request.token_lifetimes.access_token,
      refreshToken: request.token_lifetimes.refresh_token,
      idToken: request.token_lifetimes.id_token,
    },
    tokenEndpointAuthMethod: request.token_endpoint_auth_method,
    jwks: request.jwks,
    jwksUri: request.jwks_uri,
    requirePkce: request.require_pkce,
    allowPlainPkce: request.allow_plain_pkce,
    dpopBound: request.dpop_bound,
    dpopNonceRequired: request.dpop_nonce_required,
    requirePar: request.require_par,
    fapi2: request.fapi2,
    allowImplicit: request.allow_implicit,
    firstParty: request.first_party,
  };
}
