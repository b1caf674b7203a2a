import { EntityManager } from 'typeorm';
import { changeRows } from './affected-rows';

export interface ContextualTokenRecord {
  jti: string;
  tenantId: string;
  /** The user (or client) that issued it. */
  subject: string;
  audience: string;
  singleUse: boolean;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

interface Row {
  jti: string;
  tenant_id: string;
  subject: string;
  audience: string;
  single_use: boolean;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

/** Issued contextual tokens (ids and state only; the token itself is never stored). */
export class ContextualTokenRepository {
  constructor(private readonly manager: EntityManager) {}

  async insert(token: Omit<ContextualTokenRecord, 'usedAt' | 'revokedAt'>, createdAt: Date): Promise<void> {
    await this.manager.query(
      'INSERT INTO auth.contextual_tokens (jti, tenant_id, subject, audience, single_use, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [token.jti, token.tenantId, token.subject, token.audience, token.singleUse, createdAt, token.expiresAt],
    );
  }

  async find(tenantId: string, jti: string): Promise<ContextualTokenRecord | undefined> {
    const rows: Row[] = await this.manager.query(
      'SELECT jti, tenant_id, subject, audience, single_use, expires_at, used_at, revoked_at FROM auth.contextual_tokens WHERE tenant_id = $1 AND jti = $2',
      [tenantId, jti],
    );
    const row = rows[0];
    return (
      row && {
        jti: row.jti,
        tenantId: row.tenant_id,
        subject: row.subject,
        audience: row.audience,
        singleUse: row.single_use,
        expiresAt: row.expires_at,
        usedAt: row.used_at,
        revokedAt: row.revoked_at,
      }
    );
  }

  /** Claims a single-use token; false when it was used (or revoked) already. Concurrent claims: one wins. */
  async markUsed(jti: string, at: Date): Promise<boolean> {
    return (await changeRows(this.manager, 'UPDATE auth.contextual_tokens SET used_at = $2 WHERE jti = $1 AND used_at IS NULL AND revoked_at IS NULL', [jti, at])) === 1;
  }

  /** Revokes a token; false when it is unknown in the tenant or already revoked. */
  async revoke(tenantId: string, jti: string, at: Date): Promise<boolean> {
    return (await changeRows(this.manager, 'UPDATE auth.contextual_tokens SET revoked_at = $3 WHERE tenant_id = $1 AND jti = $2 AND revoked_at IS NULL', [tenantId, jti, at])) === 1;
  }

  /** Deletes tokens expired before `before` (a validation then answers `expired` from the token itself, before any lookup). */
  async purgeExpired(before: Date): Promise<number> {
    return changeRows(this.manager, 'DELETE FROM auth.contextual_tokens WHERE expires_at < $1', [before]);
  }
}
