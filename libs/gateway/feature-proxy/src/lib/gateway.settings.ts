import { IsInt, IsUrl, Max, Min } from 'class-validator';

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

  /** How long /health waits for each service's readiness. */
  @IsInt()
  @Min(100)
  @Max(30000)
  HEALTH_TIMEOUT_MS: number = 2000;
}
