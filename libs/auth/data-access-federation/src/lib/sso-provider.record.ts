/** How an upstream provider is spoken to: OpenID Connect (ID token, nonce) or plain OAuth 2.0 (user-info only). */
export type ProviderType = 'oauth2' | 'oidc';

export const PROVIDER_TYPES: readonly ProviderType[] = ['oauth2', 'oidc'];

export type UpstreamAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export const UPSTREAM_AUTH_METHODS: readonly UpstreamAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

/** Where the provider's endpoints are; absent ones come from discovery (`issuer` or `discoveryUrl`). */
export interface UpstreamEndpoints {
  issuer?: string;
  discoveryUrl?: string;
  authUrl?: string;
  tokenUrl?: string;
  userInfoUrl?: string;
  jwksUri?: string;
  /** GitHub-style list of the user's addresses with their verification (`[{email, primary, verified}]`). */
  emailsUrl?: string;
}

/** Which member of the ID token or user-info answer holds each fact (top-level names). */
export interface ClaimMapping {
  subject: string;
  email: string;
  /** Absent: the provider never vouches for its addresses (unverified unless `emailsUrl` says so). */
  emailVerified?: string;
  name: string;
  givenName: string;
  familyName: string;
  picture: string;
}

/** An upstream identity provider of a tenant, with its effective settings (preset defaults applied). */
export interface SsoProviderRecord {
  id: string;
  tenantId: string;
  /** URL name (`google`, `acme-okta`): `/api/v1/auth/social/{key}`, `?provider={key}`. */
  key: string;
  name: string;
  displayName: string;
  type: ProviderType;
  preset: string | null;
  enabled: boolean;
  clientId: string;
  /** SecretBox-sealed under `sso-provider:<tenant>:<id>`; never leaves auth-server. */
  clientSecretSealed: string | null;
  scopes: string[];
  endpoints: UpstreamEndpoints;
  tokenEndpointAuthMethod: UpstreamAuthMethod;
  claims: ClaimMapping;
  icon: string | null;
  color: string | null;
  allowSignup: boolean;
  requireEmailVerified: boolean;
  autoLinkByEmail: boolean;
  totalLogins: number;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The associated data a provider's client secret is sealed with: it opens for that provider only. */
export function clientSecretContextOf(tenantId: string, providerId: string): string {
  return `sso-provider:${tenantId}:${providerId}`;
}
