import { EntityManager } from 'typeorm';
import { changeRows } from './affected-rows';

/**
 * One-time JWT identifiers (DPoP proofs, client assertions) already accepted. An identifier is
 * kept until the JWT it came with could no longer be accepted anyway; after that it may be reused.
 */
export class SeenJtiRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Records the identifier; false when it was recorded before and has not expired (a replay).
   * One statement, so two concurrent presentations cannot both be first.
   */
  async firstUse(namespace: string, jtiHash: string, expiresAt: Date, now: Date): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `INSERT INTO auth.seen_jtis (namespace, jti_hash, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (namespace, jti_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE auth.seen_jtis.expires_at < $4
       RETURNING 1`,
      [namespace, jtiHash, expiresAt, now],
    );
    return rows.length === 1;
  }

  purgeExpired(before: Date): Promise<number> {
    return changeRows(this.manager, 'DELETE FROM auth.seen_jtis WHERE expires_at < $1', [before]);
  }
}

/** The jti deny-list of revoked access tokens (RFC 7009), consulted by introspection and userinfo. */
export class RevokedAccessTokenRepository {
  constructor(private readonly manager: EntityManager) {}

  async revoke(jti: string, tenantId: string, expiresAt: Date): Promise<void> {
    await this.manager.query('INSERT INTO auth.revoked_access_tokens (jti, tenant_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING', [
      jti,
      tenantId,
      expiresAt,
    ]);
  }

  async isRevoked(jti: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query('SELECT 1 FROM auth.revoked_access_tokens WHERE jti = $1', [jti]);
    return rows.length > 0;
  }

  purgeExpired(before: Date): Promise<number> {
    return changeRows(this.manager, 'DELETE FROM auth.revoked_access_tokens WHERE expires_at < $1', [before]);
  }
}
