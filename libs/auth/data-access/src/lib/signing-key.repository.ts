import type { SigningKeyLifecycle } from '@sigma/auth/domain';
import type { SigningAlgorithm } from '@sigma/shared/util-auth';
import type { JWK } from 'jose';
import { EntityManager } from 'typeorm';
import { changeRows } from './affected-rows';

/** A tenant's signing key as stored: its public JWK and its private key sealed with SecretBox. */
export interface StoredSigningKey extends SigningKeyLifecycle {
  tenantId: string;
  publicJwk: JWK;
  privateKeySealed: string;
}

interface SigningKeyRow {
  kid: string;
  tenant_id: string;
  alg: SigningAlgorithm;
  public_jwk: JWK;
  private_key_sealed: string;
  activated_at: Date;
  retired_at: Date | null;
  publish_until: Date | null;
}

const COLUMNS = 'kid, tenant_id, alg, public_jwk, private_key_sealed, activated_at, retired_at, publish_until';

function keyOf(row: SigningKeyRow): StoredSigningKey {
  return {
    kid: row.kid,
    tenantId: row.tenant_id,
    alg: row.alg,
    publicJwk: row.public_jwk,
    privateKeySealed: row.private_key_sealed,
    activatedAt: row.activated_at,
    retiredAt: row.retired_at,
    publishUntil: row.publish_until,
  };
}

/** Tenants' signing keys; calls run in the caller's transaction. */
export class SigningKeyRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Serialises key creation and rotation of one tenant across replicas until the transaction
   * ends (a transaction-scoped advisory lock; other tenants are not blocked).
   */
  async lockTenant(tenantId: string): Promise<void> {
    if (!this.manager.queryRunner?.isTransactionActive) throw new Error('signing keys are changed inside a transaction');
    await this.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sigma-iam:signing-keys:${tenantId}`]);
  }

  async active(tenantId: string): Promise<StoredSigningKey | undefined> {
    const rows: SigningKeyRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM auth.signing_keys WHERE tenant_id = $1 AND retired_at IS NULL`, [tenantId]);
    return rows[0] ? keyOf(rows[0]) : undefined;
  }

  /** The keys a tenant's JWKS lists at `now`: the active one and retired ones still published, newest first. */
  async published(tenantId: string, now: Date): Promise<StoredSigningKey[]> {
    const rows: SigningKeyRow[] = await this.manager.query(
      `SELECT ${COLUMNS} FROM auth.signing_keys
       WHERE tenant_id = $1 AND (retired_at IS NULL OR publish_until > $2)
       ORDER BY retired_at IS NULL DESC, activated_at DESC`,
      [tenantId, now],
    );
    return rows.map(keyOf);
  }

  async insert(key: StoredSigningKey): Promise<void> {
    await this.manager.query(
      `INSERT INTO auth.signing_keys (kid, tenant_id, alg, public_jwk, private_key_sealed, activated_at, retired_at, publish_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [key.kid, key.tenantId, key.alg, JSON.stringify(key.publicJwk), key.privateKeySealed, key.activatedAt, key.retiredAt, key.publishUntil],
    );
  }

  async retire(kid: string, retiredAt: Date, publishUntil: Date): Promise<void> {
    await this.manager.query('UPDATE auth.signing_keys SET retired_at = $2, publish_until = $3 WHERE kid = $1 AND retired_at IS NULL', [kid, retiredAt, publishUntil]);
  }

  /** Deletes retired keys no longer published since before `before`; returns how many. */
  async purgeUnpublished(before: Date): Promise<number> {
    return changeRows(this.manager, 'DELETE FROM auth.signing_keys WHERE publish_until < $1', [before]);
  }
}
