import { IsUrl } from 'class-validator';

/** What a service needs to verify access tokens: the public URL issuers derive from, and auth-server. */
export class AccessTokenSettings {
  /** The suite's public base URL (the gateway as clients reach it); tenant issuers derive from it. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_URL: string = 'http://localhost:8080';

  /** auth-server's internal base URL, where tenant key sets (JWKS) are fetched. */
  @IsUrl({ require_tld: false, protocols: ['http'], require_protocol: true })
  AUTH_SERVER_URL: string = 'http://127.0.0.1:3001';
}
