import { ClientRecord } from '@sigma/auth/data-access-clients';

/** Seed 000's ApplicationResponse, with the registry's other settings after the seed's fields. */
export interface ApplicationResponse {
  id: string;
  client_id: string;
  client_name: string;
  client_type: string;
  redirect_uris: string[];
  allowed_grant_types: string[];
  allowed_scopes: string[];
  is_active: boolean;
  created_at: Date;
  /** Only in the answer to the creation; null for clients without a secret. */
  client_secret?: string | null;
  slug: string;
  description: string | null;
  app_type: string;
  status: string;
  url: string | null;
  allowed_origins: string[];
  post_logout_redirect_uris: string[];
  token_endpoint_auth_method: string;
  jwks: object | null;
  jwks_uri: string | null;
  require_pkce: boolean;
  allow_plain_pkce: boolean;
  dpop_bound: boolean;
  /** DPoP proofs must carry a server nonce (RFC 9449 §8). */
  dpop_nonce_required: boolean;
  require_par: boolean;
  fapi2: boolean;
  allow_implicit: boolean;
  first_party: boolean;
  token_lifetimes: { access_token: number | null; refresh_token: number | null; id_token: number | null };
  updated_at: Date;
}

export interface ApplicationListResponse {
  data: ApplicationResponse[];
  pagination: { page: number; limit: number; size: number; total: number; total_pages: number };
}

export function applicationResponseOf(client: ClientRecord, secret?: string | null): ApplicationResponse {
  return {
    id: client.id,
    client_id: client.clientId,
    ...(secret === undefined ? {} : { client_secret: secret }),
    client_name: client.name,
    client_type: client.clientType,
    redirect_uris: client.redirectUris,
    allowed_grant_types: client.allowedGrantTypes,
    allowed_scopes: client.allowedScopes,
    is_active: client.status === 'active',
    created_at: client.createdAt,
    slug: client.slug,
    description: client.description,
    app_type: client.appType,
    status: client.status,
    url: client.url,
    allowed_origins: client.allowedOrigins,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    jwks: client.jwks,
    jwks_uri: client.jwksUri,
    require_pkce: client.requirePkce,
    allow_plain_pkce: client.allowPlainPkce,
    dpop_bound: client.dpopBound,
    dpop_nonce_required: client.dpopNonceRequired,
    require_par: client.requirePar,
    fapi2: client.fapi2,
    allow_implicit: client.allowImplicit,
    first_party: client.firstParty,
    token_lifetimes: { access_token: client.tokenLifetimes.accessToken, refresh_token: client.tokenLifetimes.refreshToken, id_token: client.tokenLifetimes.idToken },
    updated_at: client.updatedAt,
  };
}
