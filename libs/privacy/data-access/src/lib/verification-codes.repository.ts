import { EntityManager } from 'typeorm';

export interface VerificationCodeRecord {
  user_id: string;
  tenant_id: string;
  salt: string;
  code_hash: string;
  created_at: Date;
  expires_at: Date;
  failed_attempts: number;
}

/** Mailed erasure verification codes: one per user at a time, stored salted and hashed. */
export class VerificationCodesRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The user's current code, locked until the transaction ends. */
  async lock(userId: string): Promise<VerificationCodeRecord | undefined> {
    const rows: VerificationCodeRecord[] = await this.manager.query('SELECT * FROM privacy.verification_codes WHERE user_id = $1 FOR UPDATE', [userId]);
    return rows[0];
  }

  /** Replaces any earlier code of the user (its attempts start again at zero). */
  async issue(code: { userId: string; tenantId: string; salt: string; codeHash: string; expiresAt: Date }): Promise<void> {
    await this.manager.query(
      `INSERT INTO privacy.verification_codes (user_id, tenant_id, salt, code_hash, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, salt = EXCLUDED.salt, code_hash = EXCLUDED.code_hash,
         created_at = now(), expires_at = EXCLUDED.expires_at, failed_attempts = 0`,
      [code.userId, code.tenantId, code.salt, code.codeHash, code.expiresAt],
    );
  }

  async recordFailure(userId: string): Promise<void> {
    await this.manager.query('UPDATE privacy.verification_codes SET failed_attempts = failed_attempts + 1 WHERE user_id = $1', [userId]);
  }

  /** The code was used, or the user erased. */
  async delete(userId: string): Promise<void> {
    await this.manager.query('DELETE FROM privacy.verification_codes WHERE user_id = $1', [userId]);
  }

  /** When the user was last sent a code (for the worker's own slice of an export). */
  async sentAt(userId: string): Promise<Array<Record<string, unknown>>> {
    return this.manager.query('SELECT created_at AS sent_at, expires_at FROM privacy.verification_codes WHERE user_id = $1', [userId]);
  }
}
