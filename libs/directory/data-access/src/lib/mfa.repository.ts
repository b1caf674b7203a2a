import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';

export interface TotpCredential {
  secretSealed: string;
  /** The last time step a code was accepted for; codes of it or earlier steps are replays. */
  lastUsedStep: number | null;
}

export interface StoredRecoveryCode {
  id: string;
  codeHash: string;
}

/** Data access for second factors: TOTP secrets (sealed) and recovery codes (hashed). */
export class MfaRepository {
  constructor(private readonly manager: EntityManager) {}

  async totpOf(userId: string): Promise<TotpCredential | undefined> {
    const rows: Array<{ secret_sealed: string; last_used_step: string | null }> = await this.manager.query(
      'SELECT secret_sealed, last_used_step FROM directory.totp_credentials WHERE user_id = $1',
      [userId],
    );
    const row = rows[0];
    return row && { secretSealed: row.secret_sealed, lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step) };
  }

  /**
   * Records that a code of `step` was accepted, only if no code of this or a later step was
   * accepted before (concurrent replays: exactly one wins). Answers whether it was recorded.
   */
  async claimTotpStep(userId: string, step: number): Promise<boolean> {
    // UPDATE and DELETE answer [rows, affected count] through TypeORM's postgres driver.
    const [, count]: [unknown[], number] = await this.manager.query(
      `UPDATE directory.totp_credentials SET last_used_step = $2
        WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2)`,
      [userId, step],
    );
    return count === 1;
  }

  async unusedRecoveryCodes(userId: string): Promise<StoredRecoveryCode[]> {
    const rows: Array<{ id: string; code_hash: string }> = await this.manager.query(
      'SELECT id, code_hash FROM directory.recovery_codes WHERE user_id = $1 AND used_at IS NULL',
      [userId],
    );
    return rows.map((row) => ({ id: row.id, codeHash: row.code_hash }));
  }

  /** Marks a recovery code used, only if it was unused (concurrent reuse: exactly one wins). */
  async consumeRecoveryCode(id: string): Promise<boolean> {
    const [, count]: [unknown[], number] = await this.manager.query('UPDATE directory.recovery_codes SET used_at = now() WHERE id = $1 AND used_at IS NULL', [id]);
    return count === 1;
  }

  /** Replaces any previous enrolment: a new sealed secret and a new set of recovery codes. */
  async replaceEnrolment(userId: string, secretSealed: string, recoveryCodeHashes: readonly string[]): Promise<void> {
    await this.removeEnrolment(userId);
    await this.manager.query('INSERT INTO directory.totp_credentials (user_id, secret_sealed) VALUES ($1, $2)', [userId, secretSealed]);
    for (const codeHash of recoveryCodeHashes) {
      await this.manager.query('INSERT INTO directory.recovery_codes (id, user_id, code_hash) VALUES ($1, $2, $3)', [randomUUID(), userId, codeHash]);
    }
  }

  /** Removes the TOTP secret and every recovery code; answers whether a secret was enrolled. */
  async removeEnrolment(userId: string): Promise<boolean> {
    const [, removed]: [unknown[], number] = await this.manager.query('DELETE FROM directory.totp_credentials WHERE user_id = $1', [userId]);
    await this.manager.query('DELETE FROM directory.recovery_codes WHERE user_id = $1', [userId]);
    return removed === 1;
  }
}
