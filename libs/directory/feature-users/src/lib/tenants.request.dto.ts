import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsFQDN,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { isIP } from 'node:net';
import { IsPresentOrAbsent } from './users.request.dto';

export const TENANT_STATUSES = ['active', 'inactive', 'suspended'] as const;
export const TENANT_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const REDIRECT_DOMAIN = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);

/** An IPv4 or IPv6 address, or a CIDR block of either (`10.0.0.0/8`, `2001:db8::/32`). */
export function isIpOrCidr(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 64) return false;
  const [address, prefix, extra] = value.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

function IsIpOrCidr(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isIpOrCidr', validator: { validate: isIpOrCidr, defaultMessage: () => 'each entry must be an IP address or CIDR block' } }, options);
}

/** A host name, lower-case, optionally `*.`-prefixed for its subdomains (`app.example.com`, `*.example.com`, `localhost`). */
export function isRedirectDomain(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 253 && REDIRECT_DOMAIN.test(value);
}

function IsRedirectDomain(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isRedirectDomain', validator: { validate: isRedirectDomain, defaultMessage: () => 'each entry must be a lower-case host name, optionally starting with *.' } },
    options,
  );
}

/** Per-tenant override of seed 003's rate limit (null: the gateway default). */
export class RateLimitRequest {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  requests_per_minute?: number | null;

  /** Requests per second; at least 1 (the gateway never allows fewer). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  burst?: number | null;
}

/** Token lifetimes in seconds. */
export class TokenLifetimesRequest {
  @IsPresentOrAbsent()
  @IsInt()
  @Min(60)
  @Max(86_400)
  access_token?: number;

  @IsPresentOrAbsent()
  @IsInt()
  @Min(300)
  @Max(31_536_000)
  refresh_token?: number;

  @IsPresentOrAbsent()
  @IsInt()
  @Min(60)
  @Max(86_400)
  id_token?: number;
}

/** The fields a tenant is created with and may change: seed 004's tenant and seed 003's configuration. */
class TenantFieldsRequest {
  @IsOptional()
  @IsString()
  @MaxLength(253)
  @IsFQDN({ require_tld: true, allow_underscores: false, allow_trailing_dot: false })
  domain?: string | null;

  @IsPresentOrAbsent()
  @IsIn(TENANT_STATUSES)
  status?: (typeof TENANT_STATUSES)[number];

  @IsPresentOrAbsent()
  @IsArray()
  @ArrayMaxSize(100)
  @IsIpOrCidr({ each: true })
  ip_allow_list?: string[];

  @IsPresentOrAbsent()
  @IsArray()
  @ArrayMaxSize(100)
  @IsRedirectDomain({ each: true })
  redirect_domains?: string[];

  @IsPresentOrAbsent()
  @IsObject()
  @ValidateNested()
  @Type(() => TokenLifetimesRequest)
  token_lifetimes?: TokenLifetimesRequest;
}

/** `POST /api/v1/tenants` (seed 004), with seed 003's tenant configuration. */
export class CreateTenantRequest extends TenantFieldsRequest {
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  /** Derived from the name when absent; never a UUID (the internal API looks tenants up by id or slug). */
  @IsPresentOrAbsent()
  @IsString()
  @Matches(TENANT_SLUG_PATTERN, { message: 'slug must be 1-63 lower-case letters, digits or hyphens, starting and ending with a letter or digit' })
  @Matches(/^(?![0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)/, { message: 'slug must not be a UUID' })
  slug?: string;

  @IsPresentOrAbsent()
  @IsObject()
  @ValidateNested()
  @Type(() => RateLimitRequest)
  rate_limit?: RateLimitRequest;
}

/**
 * `PATCH /api/v1/tenants/{id}`: the fields to change; absent ones stay. The slug never changes
 * (clients and the internal API address tenants by it).
 */
export class UpdateTenantRequest extends TenantFieldsRequest {
  @IsPresentOrAbsent()
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  /** null: back to the gateway default. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RateLimitRequest)
  rate_limit?: RateLimitRequest | null;
}

/** `POST /api/v1/tenants/{id}/api-keys`: an optional label. */
export class CreateApiKeyRequest {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;
}

export function isUuidShaped(value: string): boolean {
  return UUID_SHAPE.test(value);
}
