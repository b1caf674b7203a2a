/** The grant types the authorization server implements; a client may be allowed a subset. */
export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code', 'implicit'] as const;
export type GrantType = (typeof SUPPORTED_GRANT_TYPES)[number];

export const CLIENT_TYPES = ['confidential', 'public'] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];

export const APP_TYPES = ['web', 'mobile', 'desktop'] as const;
export type AppType = (typeof APP_TYPES)[number];

export const CLIENT_STATUSES = ['active', 'inactive', 'pending'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

/** Seed 002's per-application settings. */
export interface ClientSettings {
  allowRegistration: boolean;
  requireEmailVerification: boolean;
  defaultRole: string;
  /** Seconds. */
  sessionTimeout: number;
  maxSessions: number;
}

/** Seed 002's branding, shown on the login and consent pages. */
export interface ClientBranding {
  primaryColor: string;
  secondaryColor: string;
  logoUrl: string | null;
}

/** Per-client token lifetimes in seconds; null means the tenant's default. */
export interface ClientTokenLifetimes {
  accessToken: number | null;
  refreshToken: number | null;
  idToken: number | null;
}

/** A JSON Web Key Set as registered for private_key_jwt (public keys only). */
export interface ClientJwks {
  keys: Array<Record<string, unknown>>;
}

/** A registered OAuth client with every setting the protocol endpoints need. */
export interface ClientRecord {
  /** Internal id (uuid), the seeds' application `id`. */
  id: string;
  tenantId: string;
  /** The public, random, URL-safe client identifier. */
  clientId: string;
  name: string;
  slug: string;
  description: string | null;
  clientType: ClientType;
  appType: AppType;
  status: ClientStatus;
  url: string | null;
  /** Exact strings, compared by simple string equality (RFC 9700 §4.1.3). */
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  allowedGrantTypes: GrantType[];
  allowedScopes: string[];
  allowedOrigins: string[];
  tokenLifetimes: ClientTokenLifetimes;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** SHA-256 (hex) of the client secret; null for clients that authenticate without one. */
  secretHash: string | null;
  jwks: ClientJwks | null;
  jwksUri: string | null;
  /** PKCE is required (always for public clients). */
  requirePkce: boolean;
  /** PKCE `plain` is accepted besides S256 (off by default; never with FAPI 2.0). */
  allowPlainPkce: boolean;
  /** Tokens must be DPoP-bound (RFC 9449). */
  dpopBound: boolean;
  /** DPoP proofs must carry a fresh server nonce (RFC 9449 §8; `use_dpop_nonce` hands one out). */
  dpopNonceRequired: boolean;
  /** Authorization requests must come through PAR (RFC 9126). */
  requirePar: boolean;
  /** FAPI 2.0 security profile: PAR + PKCE S256 + DPoP + private_key_jwt, 60 s authorization codes. */
  fapi2: boolean;
  /** Implicit responses (off by default, RFC 9700 §2.1.2). */
  allowImplicit: boolean;
  /** First-party clients skip the consent page. */
  firstParty: boolean;
  settings: ClientSettings;
  branding: ClientBranding;
  createdAt: Date;
  updatedAt: Date;
}

/** Counts from the sign-in ledger. Active users: distinct users who signed in within the last 30 days. */
export interface ClientStatistics {
  totalUsers: number;
  activeUsers: number;
  totalLogins: number;
  lastLogin: Date | null;
}

export const ACTIVE_USER_WINDOW_DAYS = 30;
