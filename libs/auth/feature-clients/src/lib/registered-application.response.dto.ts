import { ClientBranding, ClientRecord, ClientSettings, ClientStatistics } from '@sigma/auth/data-access-clients';

/** Seed 002's application, with the registry's protocol settings after the seed's fields. */
export interface RegisteredApplicationResponse {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  type: string;
  status: string;
  url: string | null;
  clientId: string;
  /** Only in the answer to the registration; null for clients without a secret. */
  clientSecret?: string | null;
  callbackUrls: string[];
  allowedOrigins: string[];
  settings: ClientSettings;
  branding: ClientBranding;
  statistics: { totalUsers: number; activeUsers: number; totalLogins: number; lastLogin: Date | null };
  createdAt: Date;
  updatedAt: Date;
  clientType: string;
  grantTypes: string[];
  scopes: string[];
  postLogoutRedirectUris: string[];
  tokenEndpointAuthMethod: string;
  jwks: object | null;
  jwksUri: string | null;
  requirePkce: boolean;
  allowPlainPkce: boolean;
  dpopBound: boolean;
  /** DPoP proofs must carry a server nonce (RFC 9449 §8). */
  dpopNonceRequired: boolean;
  requirePar: boolean;
  fapi2: boolean;
  allowImplicit: boolean;
  firstParty: boolean;
  tokenLifetimes: { accessToken: number | null; refreshToken: number | null; idToken: number | null };
}

export function registeredApplicationOf(client: ClientRecord, statistics: ClientStatistics, secret?: string | null): RegisteredApplicationResponse {
  return {
    id: client.id,
    name: client.name,
    slug: client.slug,
    description: client.description,
    type: client.appType,
    status: client.status,
    url: client.url,
    clientId: client.clientId,
    ...(secret === undefined ? {} : { clientSecret: secret }),
    callbackUrls: client.redirectUris,
    allowedOrigins: client.allowedOrigins,
    settings: client.settings,
    branding: client.branding,
    statistics: { ...statistics },
    createdAt: client.createdAt,
    updatedAt: client.updatedAt,
    clientType: client.clientType,
    grantTypes: client.allowedGrantTypes,
    scopes: client.allowedScopes,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    jwks: client.jwks,
    jwksUri: client.jwksUri,
    requirePkce: client.requirePkce,
    allowPlainPkce: client.allowPlainPkce,
    dpopBound: client.dpopBound,
    dpopNonceRequired: client.dpopNonceRequired,
    requirePar: client.requirePar,
    fapi2: client.fapi2,
    allowImplicit: client.allowImplicit,
    firstParty: client.firstParty,
    tokenLifetimes: { ...client.tokenLifetimes },
  };
}
