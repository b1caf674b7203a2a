import { IsInt, IsUrl, Max, Min } from 'class-validator';

/**
 * Where a service reaches user-directory's internal API (never through the gateway): auth-server,
 * session-service for platform operators naming a tenant (ADR 15), and the privacy worker (who a
 * subject is, where to mail their erasure code).
 */
export class DirectoryClientSettings {
  @IsUrl({ require_tld: false, protocols: ['http'], require_protocol: true })
  USER_DIRECTORY_URL: string = 'http://127.0.0.1:3002';

  /** A directory call that takes longer is abandoned and the request answered 503. */
  @IsInt()
  @Min(100)
  @Max(60000)
  DIRECTORY_TIMEOUT_MS: number = 5000;
}
