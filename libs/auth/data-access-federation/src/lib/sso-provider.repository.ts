import { EntityManager, QueryFailedError } from 'typeorm';
import type { ClaimMapping, ProviderType, SsoProviderRecord, UpstreamAuthMethod, UpstreamEndpoints } from './sso-provider.record';

interface ProviderRow {
  id: string;
  tenant_id: string;
  key: string;
  name: string;
  display_name: string;
  type: ProviderType;
  preset: string | null;
  enabled: boolean;
  client_id: string;
  client_secret_sealed: string | null;
  scopes: string[];
  endpoints: UpstreamEndpoints;
  token_endpoint_auth_method: UpstreamAuthMethod;
  claims: ClaimMapping;
  icon: string | null;
  color: string | null;
  allow_signup: boolean;
  require_email_verified: boolean;
  auto_link_by_email: boolean;
  total_logins: string;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, tenant_id, key, name, display_name, type, preset, enabled, client_id, client_secret_sealed, scopes, endpoints,
  token_endpoint_auth_method, claims, icon, color, allow_signup, require_email_verified, auto_link_by_email, total_logins, last_login_at,
  created_at, updated_at`;

/** A tenant's upstream providers; every call names the tenant and runs on the given manager (and its transaction). */
export class SsoProviderRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The tenant's providers by name, optionally only the enabled or disabled ones. */
  async list(tenantId: string, enabled?: boolean): Promise<SsoProviderRecord[]> {
    const rows: ProviderRow[] = await this.manager.query(
      `SELECT ${COLUMNS} FROM auth.sso_providers WHERE tenant_id = $1 AND ($2::boolean IS NULL OR enabled = $2) ORDER BY lower(name), key`,
      [tenantId, enabled ?? null],
    );
    return rows.map(recordOf);
  }

  async findByKey(tenantId: string, key: string, options: { lock?: boolean } = {}): Promise<SsoProviderRecord | undefined> {
    const rows: ProviderRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM auth.sso_providers WHERE tenant_id = $1 AND key = $2${options.lock ? ' FOR UPDATE' : ''}`, [
      tenantId,
      key,
    ]);
    return rows[0] && recordOf(rows[0]);
  }

  async findById(tenantId: string, id: string): Promise<SsoProviderRecord | undefined> {
    const rows: ProviderRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM auth.sso_providers WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows[0] && recordOf(rows[0]);
  }

  /** Inserts the provider, or replaces every setting of the tenant's provider with its key (statistics and creation time stay). */
  async save(provider: SsoProviderRecord, existing: boolean): Promise<SsoProviderRecord> {
    const settings = [
      provider.id,
      provider.tenantId,
      provider.key,
      provider.name,
      provider.displayName,
      provider.type,
      provider.preset,
      provider.enabled,
      provider.clientId,
      provider.clientSecretSealed,
      provider.scopes,
      JSON.stringify(provider.endpoints),
      provider.tokenEndpointAuthMethod,
      JSON.stringify(provider.claims),
      provider.icon,
      provider.color,
      provider.allowSignup,
      provider.requireEmailVerified,
      provider.autoLinkByEmail,
      provider.updatedAt,
    ];
    if (existing) {
      // UPDATE ... RETURNING answers [rows, count] through TypeORM's postgres driver.
      const [rows]: [ProviderRow[], number] = await this.manager.query(
        `UPDATE auth.sso_providers SET name = $4, display_name = $5, type = $6, preset = $7, enabled = $8, client_id = $9, client_secret_sealed = $10,
           scopes = $11, endpoints = $12, token_endpoint_auth_method = $13, claims = $14, icon = $15, color = $16, allow_signup = $17,
           require_email_verified = $18, auto_link_by_email = $19, updated_at = $20
         WHERE id = $1 AND tenant_id = $2 AND key = $3 RETURNING ${COLUMNS}`,
        settings,
      );
      return recordOf(rows[0]);
    }
    const rows: ProviderRow[] = await this.manager.query(
      `INSERT INTO auth.sso_providers (id, tenant_id, key, name, display_name, type, preset, enabled, client_id, client_secret_sealed, scopes, endpoints,
         token_endpoint_auth_method, claims, icon, color, allow_signup, require_email_verified, auto_link_by_email, updated_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING ${COLUMNS}`,
      [...settings, provider.createdAt],
    );
    return recordOf(rows[0]);
  }

  /** Counts a completed sign-in (seed 002's statistics). */
  async recordLogin(providerId: string, at: Date): Promise<void> {
    await this.manager.query('UPDATE auth.sso_providers SET total_logins = total_logins + 1, last_login_at = $2 WHERE id = $1', [providerId, at]);
  }
}

/** True when the error is the (tenant, key) uniqueness of providers: a concurrent creation won. */
export function isDuplicateProviderKey(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string } | undefined;
  return driverError?.code === '23505' && driverError.constraint === 'sso_providers_key';
}

function recordOf(row: ProviderRow): SsoProviderRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    key: row.key,
    name: row.name,
    displayName: row.display_name,
    type: row.type,
    preset: row.preset,
    enabled: row.enabled,
    clientId: row.client_id,
    clientSecretSealed: row.client_secret_sealed,
    scopes: row.scopes,
    endpoints: row.endpoints,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method,
    claims: row.claims,
    icon: row.icon,
    color: row.color,
    allowSignup: row.allow_signup,
    requireEmailVerified: row.require_email_verified,
    autoLinkByEmail: row.auto_link_by_email,
    totalLogins: Number(row.total_logins),
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
