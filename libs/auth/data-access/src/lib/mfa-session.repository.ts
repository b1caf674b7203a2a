import { EntityManager } from 'typeorm';
import { changeRows } from './affected-rows';

/** A login waiting for its second factor: who signed in with a password, for which client. */
export interface MfaSession {
  tenantId: string;
  userId: string;
  clientId: string;
  scope: string;
  failedAttempts: number;
}

interface MfaSessionRow {
  tenant_id: string;
  user_id: string;
  client_id: string;
  scope: string;
  failed_attempts: number;
}

/** Pending second-factor steps, stored under the hash of their id; single use. */
export class MfaSessionRepository {
  constructor(private readonly manager: EntityManager) {}

  async create(session: Omit<MfaSession, 'failedAttempts'> & { idHash: string; createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.manager.query(
      'INSERT INTO auth.mfa_sessions (id_hash, tenant_id, user_id, client_id, scope, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [session.idHash, session.tenantId, session.userId, session.clientId, session.scope, session.createdAt, session.expiresAt],
    );
  }

  /** The unused, unexpired session whose id hashes to `idHash`, with fewer than `maxFailures` failures. */
  async findPending(idHash: string, now: Date, maxFailures: number): Promise<MfaSession | undefined> {
    const rows: MfaSessionRow[] = await this.manager.query(
      `SELECT tenant_id, user_id, client_id, scope, failed_attempts FROM auth.mfa_sessions
       WHERE id_hash = $1 AND consumed_at IS NULL AND expires_at > $2 AND failed_attempts < $3`,
      [idHash, now, maxFailures],
    );
    const row = rows[0];
    return row ? { tenantId: row.tenant_id, userId: row.user_id, clientId: row.client_id, scope: row.scope, failedAttempts: row.failed_attempts } : undefined;
  }

  async recordFailure(idHash: string): Promise<void> {
    await this.manager.query('UPDATE auth.mfa_sessions SET failed_attempts = failed_attempts + 1 WHERE id_hash = $1', [idHash]);
  }

  /** Uses the session up; false when it was used, expired or exhausted meanwhile (single use). */
  async consume(idHash: string, now: Date, maxFailures: number): Promise<boolean> {
    const changed = await changeRows(
      this.manager,
      `UPDATE auth.mfa_sessions SET consumed_at = $2
       WHERE id_hash = $1 AND consumed_at IS NULL AND expires_at > $2 AND failed_attempts < $3`,
      [idHash, now, maxFailures],
    );
    return changed === 1;
  }

  async purgeExpired(before: Date): Promise<number> {
    return changeRows(this.manager, 'DELETE FROM auth.mfa_sessions WHERE expires_at < $1', [before]);
  }
}
