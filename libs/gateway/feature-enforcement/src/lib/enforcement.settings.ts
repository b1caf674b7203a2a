import { Transform } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { Secret } from '@sigma/shared/util-config';

const commaList = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value);

/** What the gateway enforces at the edge: tokens, revocation, rate limits, CORS (ADR 0016, 0017). */
export class EnforcementSettings {
  /** The suite's public base URL: tenant issuers derive from it, and DPoP proofs name URLs under it. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_URL: string = 'http://localhost:8080';

  /** Seconds of clock skew allowed on `exp`, `nbf` and DPoP `iat`. */
  @IsInt()
  @Min(0)
  @Max(120)
  TOKEN_CLOCK_TOLERANCE_SECONDS: number = 5;

  /** Verified access tokens kept (by hash, until they expire) so verification stays off the hot path. */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  VERIFIED_TOKEN_CACHE_SIZE: number = 10_000;

  /** How old a DPoP proof may be; its `jti` is remembered this long (times two) against replay. */
  @IsInt()
  @Min(5)
  @Max(600)
  DPOP_PROOF_MAX_AGE_SECONDS: number = 60;

  /**
   * How long a revocation stays on the deny-list: the longest access-token lifetime a tenant may set
   * (24 h), after which every token it could refuse has expired anyway.
   */
  @IsInt()
  @Min(60)
  @Max(7 * 86_400)
  REVOCATION_RETENTION_SECONDS: number = 86_400;

  /**
   * Shared counters (rate limits) and DPoP replay state for several gateway replicas; unset keeps
   * them in this process's memory. `redis://[user:password@]host:port[/db]`.
   */
  @Secret()
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Origins allowed by CORS besides the applications' registered origins (comma-separated). */
  @Transform(commaList)
  @IsString({ each: true })
  @Matches(/^https?:\/\/[^/\s]+$/, { each: true, message: 'each origin must be scheme://host[:port]' })
  CORS_ALLOWED_ORIGINS: string[] = [];

  /** Scales every rate limit of API.md's table (load tests, staging); 1 in production. */
  @IsNumber({ maxDecimalPlaces: 3 })
  @Min(0.001)
  @Max(1_000_000)
  RATE_LIMIT_FACTOR: number = 1;

  /** How long per-tenant settings (rate-limit overrides) and allowed origins are cached. */
  @IsInt()
  @Min(1)
  @Max(3600)
  EDGE_CONFIG_CACHE_SECONDS: number = 60;
}
