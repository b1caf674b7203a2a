import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { EntityManager } from 'typeorm';
import {
  ACTIVE_USER_WINDOW_DAYS,
  AppType,
  ClientBranding,
  ClientJwks,
  ClientRecord,
  ClientSettings,
  ClientStatistics,
  ClientStatus,
  ClientType,
  GrantType,
  TokenEndpointAuthMethod,
} from './client.record';

interface ClientRow {
  id: string;
  tenant_id: string;
  client_id: string;
  name: string;
  slug: string;
  description: string | null;
  client_type: ClientType;
  app_type: AppType;
  status: ClientStatus;
  url: string | null;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  allowed_grant_types: GrantType[];
  allowed_scopes: string[];
  allowed_origins: string[];
  access_token_ttl: number | null;
  refresh_token_ttl: number | null;
  id_token_ttl: number | null;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  secret_hash: string | null;
  jwks: ClientJwks | null;
  jwks_uri: string | null;
  require_pkce: boolean;
  allow_plain_pkce: boolean;
  dpop_bound: boolean;
  dpop_nonce_required: boolean;
  require_par: boolean;
  fapi2: boolean;
  allow_implicit: boolean;
  first_party: boolean;
  settings: ClientSettings;
  branding: ClientBranding;
  created_at: Date;
  updated_at: Date;
}

interface StatisticsRow {
  client_id: string;
  total_users: string;
  active_users: string;
  total_logins: string;
  last_login: Date | null;
}

/** What some active client of a tenant may use (TenantProtocolOptions of the repository). */
export interface TenantProtocolOptions {
  plainPkce: boolean;
  implicit: boolean;
}

/** Filters of the listings (seed 002's `status` and `type`). */
export interface ClientFilter {
  status?: ClientStatus;
  appType?: AppType;
}

const COLUMNS = `id, tenant_id, client_id, name, slug, description, client_type, app_type, status, url, redirect_uris,
  post_logout_redirect_uris, allowed_grant_types, allowed_scopes, allowed_origins, access_token_ttl, refresh_token_ttl,
  id_token_ttl, token_endpoint_auth_method, secret_hash, jwks, jwks_uri, require_pkce, allow_plain_pkce, dpop_bound, require_par, fapi2,
  allow_implicit, first_party, settings, branding, created_at, updated_at, dpop_nonce_required`;

const UNIQUE_VIOLATION = '23505';
const SLUG_CONSTRAINT = 'clients_tenant_id_slug_key';

/** Data access for the client registry; every query names the tenant it is scoped to. */
export class ClientRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Stores a new client; CONFLICT when the tenant already has a client with the slug. */
  async insert(client: ClientRecord): Promise<void> {
    try {
      await this.manager.query(
        `INSERT INTO auth.clients (${COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26,
                 $27, $28, $29, $30, $31, $32, $33, $34)`,
        [
          client.id,
          client.tenantId,
          client.clientId,
          client.name,
          client.slug,
          client.description,
          client.clientType,
          client.appType,
          client.status,
          client.url,
          client.redirectUris,
          client.postLogoutRedirectUris,
          client.allowedGrantTypes,
          client.allowedScopes,
          client.allowedOrigins,
          client.tokenLifetimes.accessToken,
          client.tokenLifetimes.refreshToken,
          client.tokenLifetimes.idToken,
          client.tokenEndpointAuthMethod,
          client.secretHash,
          client.jwks === null ? null : JSON.stringify(client.jwks),
          client.jwksUri,
          client.requirePkce,
          client.allowPlainPkce,
          client.dpopBound,
          client.requirePar,
          client.fapi2,
          client.allowImplicit,
          client.firstParty,
          JSON.stringify(client.settings),
          JSON.stringify(client.branding),
          client.createdAt,
          client.updatedAt,
          client.dpopNonceRequired,
        ],
      );
    } catch (error) {
      const pg = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
      if (pg?.code === UNIQUE_VIOLATION && pg.constraint === SLUG_CONSTRAINT) {
        throw new DomainError(ErrorKind.CONFLICT, 'an application with this slug already exists in the tenant', {
          details: [{ field: 'slug', message: 'is already used by another application of the tenant' }],
        });
      }
      throw error;
    }
  }

  /** A tenant's clients in registration order (oldest first), so pages are stable. */
  async list(tenantId: string, filter: ClientFilter, page: { offset: number; limit: number }): Promise<ClientRecord[]> {
    const rows: ClientRow[] = await this.manager.query(
      `SELECT ${COLUMNS} FROM auth.clients
        WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR app_type = $3)
        ORDER BY seq
        OFFSET $4 LIMIT $5`,
      [tenantId, filter.status ?? null, filter.appType ?? null, page.offset, page.limit],
    );
    return rows.map(toRecord);
  }

  async count(tenantId: string, filter: ClientFilter): Promise<number> {
    const rows: Array<{ total: string }> = await this.manager.query(
      `SELECT count(*) AS total FROM auth.clients
        WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR app_type = $3)`,
      [tenantId, filter.status ?? null, filter.appType ?? null],
    );
    return Number(rows[0]?.total ?? 0);
  }

  /** The tenant's clients that registered exactly this redirect URI. */
  async findByRedirectUri(tenantId: string, redirectUri: string): Promise<ClientRecord[]> {
    const rows: ClientRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM auth.clients WHERE tenant_id = $1 AND $2 = ANY (redirect_uris) ORDER BY seq`, [tenantId, redirectUri]);
    return rows.map(toRecord);
  }

  /**
   * Protocol options at least one active client of the tenant is registered for, where discovery
   * lists them (PKCE plain, implicit responses; FAPI 2.0 clients never get either).
   */
  async tenantProtocolOptions(tenantId: string): Promise<TenantProtocolOptions> {
    const rows: Array<{ plain_pkce: boolean | null; implicit: boolean | null }> = await this.manager.query(
      `SELECT bool_or(allow_plain_pkce AND NOT fapi2) AS plain_pkce,
              bool_or(allow_implicit AND 'implicit' = ANY (allowed_grant_types) AND NOT fapi2) AS implicit
         FROM auth.clients WHERE tenant_id = $1 AND status = 'active'`,
      [tenantId],
    );
    return { plainPkce: rows[0]?.plain_pkce === true, implicit: rows[0]?.implicit === true };
  }

  /**
   * Every browser origin an active application of any tenant registered: its allowed origins and
   * the origins of its redirect URIs (http and https only), for the gateway's CORS check.
   */
  async allowedOrigins(limit: number): Promise<string[]> {
    const rows: Array<{ origin: string }> = await this.manager.query(
      `SELECT DISTINCT origin FROM (
         SELECT unnest(allowed_origins) AS origin FROM auth.clients WHERE status = 'active'
         UNION
         SELECT substring(uri FROM '^(https?://[^/?#]+)') FROM auth.clients, unnest(redirect_uris) AS uri WHERE status = 'active'
       ) origins
       WHERE origin IS NOT NULL
       ORDER BY origin
       LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.origin);
  }

  /** The client a public client_id names, within `tenantId` when given (client ids are unique across tenants). */
  async findByClientId(clientId: string, tenantId?: string): Promise<ClientRecord | undefined> {
    const rows: ClientRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM auth.clients WHERE client_id = $1 AND ($2::uuid IS NULL OR tenant_id = $2::uuid)`, [
      clientId,
      tenantId ?? null,
    ]);
    return rows[0] && toRecord(rows[0]);
  }

  /** Sign-in counts of the given clients (public client ids) of a tenant; clients without sign-ins are absent. */
  async statisticsOf(tenantId: string, clientIds: string[]): Promise<Map<string, ClientStatistics>> {
    const result = new Map<string, ClientStatistics>();
    if (clientIds.length === 0) return result;
    const rows: StatisticsRow[] = await this.manager.query(
      `SELECT client_id,
              count(DISTINCT user_id) AS total_users,
              count(DISTINCT user_id) FILTER (WHERE signed_in_at > now() - make_interval(days => $3)) AS active_users,
              count(*) AS total_logins,
              max(signed_in_at) AS last_login
         FROM auth.client_sign_ins
        WHERE tenant_id = $1 AND client_id = ANY($2::text[])
        GROUP BY client_id`,
      [tenantId, clientIds, ACTIVE_USER_WINDOW_DAYS],
    );
    for (const row of rows) {
      result.set(row.client_id, {
        totalUsers: Number(row.total_users),
        activeUsers: Number(row.active_users),
        totalLogins: Number(row.total_logins),
        lastLogin: row.last_login,
      });
    }
    return result;
  }
}

function toRecord(row: ClientRow): ClientRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    clientType: row.client_type,
    appType: row.app_type,
    status: row.status,
    url: row.url,
    redirectUris: row.redirect_uris,
    postLogoutRedirectUris: row.post_logout_redirect_uris,
    allowedGrantTypes: row.allowed_grant_types,
    allowedScopes: row.allowed_scopes,
    allowedOrigins: row.allowed_origins,
    tokenLifetimes: { accessToken: row.access_token_ttl, refreshToken: row.refresh_token_ttl, idToken: row.id_token_ttl },
    tokenEndpointAuthMethod: row.token_endpoint_auth_method,
    secretHash: row.secret_hash,
    jwks: row.jwks,
    jwksUri: row.jwks_uri,
    requirePkce: row.require_pkce,
    allowPlainPkce: row.allow_plain_pkce,
    dpopBound: row.dpop_bound,
    dpopNonceRequired: row.dpop_nonce_required,
    requirePar: row.require_par,
    fapi2: row.fapi2,
    allowImplicit: row.allow_implicit,
    firstParty: row.first_party,
    settings: row.settings,
    branding: row.branding,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
