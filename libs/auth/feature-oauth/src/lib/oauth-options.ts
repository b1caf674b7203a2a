/** What the OAuth endpoints receive from the service shell's settings. */
export interface AuthOAuthOptions {
  /** The suite's public base URL (PUBLIC_URL): endpoint URLs, `htu` of DPoP proofs, client assertion audiences. */
  publicUrl: string;
  /** Key material DPoP nonces are derived from (shared by every replica: SECRETS_ENCRYPTION_KEY). */
  nonceSecret: Buffer;
  /** DPoP proofs at the token endpoint must carry a server nonce, for every client (DPOP_REQUIRE_NONCE). */
  requireDpopNonce: boolean;
}

export const AUTH_OAUTH_OPTIONS = 'SIGMA_AUTH_OAUTH_OPTIONS';

/** The prefixes one implementation is mounted under (seeds 001, 000 and 003). */
export const OAUTH_PREFIXES = ['oauth', 'oauth/v1', 'api/oauth'] as const;

/** The routes of one endpoint under every prefix, for @Post / @Get. */
export function underEveryPrefix(endpoint: string): string[] {
  return OAUTH_PREFIXES.map((prefix) => `${prefix}/${endpoint}`);
}

/** The public URL of an endpoint under the canonical prefix (`/oauth`), as discovery lists it. */
export function endpointUrl(publicUrl: string, endpoint: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/oauth/${endpoint}`;
}

/** The public URL of a request path (what a DPoP proof's htu must name). */
export function publicUrlOf(publicUrl: string, path: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${path}`;
}
