import { EntityManager } from 'typeorm';
import { returnedRows } from './tenants.repository';

/** A tenant API key as listed: never the key or its hash. */
export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  name: string | null;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What verifying a presented key needs: its stored hash and the tenant it belongs to. */
export interface ApiKeyCredential {
  id: string;
  keyHash: string;
  revoked: boolean;
  tenant: { id: string; name: string; slug: string; status: string; ipAllowList: string[] };
}

interface CredentialRow {
  id: string;
  key_hash: string;
  revoked_at: Date | null;
  tenant_id: string;
  name: string;
  slug: string;
  status: string;
  ip_allow_list: string[];
}

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string | null;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

function recordOf(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    prefix: row.key_prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

const COLUMNS = 'id, tenant_id, name, key_prefix, created_at, last_used_at, revoked_at';

/** Tenant API keys (seed 003), stored as hashes. */
export class ApiKeysRepository {
  constructor(private readonly manager: EntityManager) {}

  async create(key: { id: string; tenantId: string; name: string | null; keyHash: string; prefix: string }): Promise<ApiKeyRecord> {
    const rows: ApiKeyRow[] = await this.manager.query(
      `INSERT INTO directory.tenant_api_keys (id, tenant_id, name, key_hash, key_prefix) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [key.id, key.tenantId, key.name, key.keyHash, key.prefix],
    );
    return recordOf(rows[0]);
  }

  /** The tenant's keys, newest first, revoked ones included. */
  async list(tenantId: string): Promise<ApiKeyRecord[]> {
    const rows: ApiKeyRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM directory.tenant_api_keys WHERE tenant_id = $1 ORDER BY created_at DESC, id`, [tenantId]);
    return rows.map(recordOf);
  }

  /** Revokes a key of the tenant (a revoked key stays revoked at its first revocation time); false when the tenant has no such key. */
  async revoke(tenantId: string, keyId: string): Promise<boolean> {
    const rows = returnedRows<{ id: string }>(
      await this.manager.query('UPDATE directory.tenant_api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2 RETURNING id', [tenantId, keyId]),
    );
    return rows.length > 0;
  }

  async findCredential(keyId: string): Promise<ApiKeyCredential | undefined> {
    const rows: CredentialRow[] = await this.manager.query(
      `SELECT k.id, k.key_hash, k.revoked_at, t.id AS tenant_id, t.name, t.slug, t.status, t.ip_allow_list
         FROM directory.tenant_api_keys k JOIN directory.tenants t ON t.id = k.tenant_id WHERE k.id = $1`,
      [keyId],
    );
    const row = rows[0];
    return row && { id: row.id, keyHash: row.key_hash, revoked: row.revoked_at !== null, tenant: { id: row.tenant_id, name: row.name, slug: row.slug, status: row.status, ipAllowList: row.ip_allow_list } };
  }

  /** Records a use; written at most once a minute per key, so busy keys cost no write per request. */
  async touch(keyId: string): Promise<void> {
    await this.manager.query(
      "UPDATE directory.tenant_api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
      [keyId],
    );
  }
}
