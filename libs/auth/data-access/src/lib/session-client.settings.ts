import { IsInt, IsUrl, Max, Min } from 'class-validator';

/** Where auth-server reaches session-service's internal API (never through the gateway). */
export class SessionClientSettings {
  @IsUrl({ require_tld: false, protocols: ['http'], require_protocol: true })
  SESSION_SERVICE_URL: string = 'http://127.0.0.1:3003';

  /** A session-service call that takes longer is abandoned: a login or refresh then answers 503. */
  @IsInt()
  @Min(100)
  @Max(60000)
  SESSION_SERVICE_TIMEOUT_MS: number = 5000;
}
