import { IsInt, IsString, IsUrl, Matches, Max, Min } from 'class-validator';

/** Internal traffic is plain HTTP inside the cluster network (a service mesh may add mTLS). */
const INTERNAL_URL = { require_tld: false, protocols: ['http'], require_protocol: true };

/** Where the gateway finds each service (internal base URLs) and how long it waits for them. */
export class GatewaySettings {
  @IsUrl(INTERNAL_URL)
  AUTH_SERVER_URL: string = 'http://127.0.0.1:3001';

  @IsUrl(INTERNAL_URL)
  USER_DIRECTORY_URL: string = 'http://127.0.0.1:3002';

  @IsUrl(INTERNAL_URL)
  SESSION_SERVICE_URL: string = 'http://127.0.0.1:3003';

  @IsUrl(INTERNAL_URL)
  PRIVACY_WORKER_URL: string = 'http://127.0.0.1:3004';

  /** A proxied request that takes longer is answered 504. */
  @IsInt()
  @Min(100)
  @Max(300000)
  UPSTREAM_TIMEOUT_MS: number = 15000;

  /**
   * Which proxies in front of the gateway may say who the client is (ADR 0020): `false` (default:
   * clients connect directly and any X-Forwarded-For they send is ignored), a hop count (`1`: one
   * load balancer), or a comma-separated list of addresses, CIDR ranges or `loopback`,
   * `linklocal`, `uniquelocal`. The gateway forwards exactly the client address it resolves.
   */
  @IsString()
  @Matches(/^(false|\d{1,2}|[0-9a-fA-F.:/,\s]+|(loopback|linklocal|uniquelocal)(\s*,\s*[0-9a-zA-Z.:/]+)*)$/, { message: 'TRUST_PROXY must be false, a hop count, or a list of addresses, CIDR ranges or loopback/linklocal/uniquelocal' })
  TRUST_PROXY: string = 'false';

  /** How long /health waits for each service's readiness. */
  @IsInt()
  @Min(100)
  @Max(30000)
  HEALTH_TIMEOUT_MS: number = 2000;
}

/** The Express `trust proxy` value of a TRUST_PROXY setting. */
export function trustProxyOf(setting: string): boolean | number | string[] {
  const value = setting.trim();
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim()).filter((part) => part !== '');
}
