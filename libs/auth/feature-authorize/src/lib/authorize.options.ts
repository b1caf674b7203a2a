/** What the authorization endpoint and its pages receive from the service shell. */
export interface AuthorizeOptions {
  /** The suite's public base URL (PUBLIC_URL): issuers, page and verification URLs, cookie security. */
  publicUrl: string;
}

export const AUTHORIZE_OPTIONS = 'SIGMA_AUTHORIZE_OPTIONS';

/** The prefixes the protocol endpoints are mounted under (seeds 001, 000 and 003). */
export const OAUTH_PREFIXES = ['oauth', 'oauth/v1', 'api/oauth'] as const;

/** How long the user has to sign in and decide after the client sent them (10 minutes). */
export const PENDING_AUTHORIZATION_SECONDS = 600;
/** Wrong second-factor codes one pending authorization tolerates (the directory's lockout counts them too). */
export const PENDING_MAX_FAILURES = 5;
/** How long a browser stays signed in (12 hours; the login sessions of the clients have their own lifetimes). */
export const BROWSER_SESSION_SECONDS = 12 * 3600;
/** Authorization codes of clients outside FAPI 2.0 (those get 60 s): short, RFC 6749 §4.1.2 says at most 10 minutes. */
export const AUTHORIZATION_CODE_SECONDS = 120;
/** RFC 9126 §2.2: request_uri lifetime (seed 001: 90). */
export const PAR_REQUEST_SECONDS = 90;
export const PAR_REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/** RFC 8628: device codes live 30 minutes (seed 001: 1800), polled every 5 s at first. */
export const DEVICE_CODE_SECONDS = 1800;
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
