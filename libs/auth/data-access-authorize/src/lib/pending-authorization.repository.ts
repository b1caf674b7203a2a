import { EntityManager } from 'typeorm';
import { changeRows } from './affected-rows';
import type { AuthorizationRequest, DeviceApprovalRequest } from './authorization-request';

export type PendingAuthorization =
  | { kind: 'code'; tenantId: string; clientId: string; request: AuthorizationRequest; mfaUserId: string | null; failedAttempts: number }
  | { kind: 'device'; tenantId: string; clientId: string; request: DeviceApprovalRequest; mfaUserId: string | null; failedAttempts: number };

interface PendingRow {
  tenant_id: string;
  client_id: string;
  kind: 'code' | 'device';
  request: AuthorizationRequest & DeviceApprovalRequest;
  mfa_user_id: string | null;
  failed_attempts: number;
}

/**
 * Authorizations waiting for the user (login, second factor, consent), under the hash of the
 * handle the pages carry (seed 004's login_challenge). Completed once (a code or a device approval).
 */
export class PendingAuthorizationRepository {
  constructor(private readonly manager: EntityManager) {}

  async insert(row: { handleHash: string; tenantId: string; clientId: string; kind: 'code' | 'device'; request: AuthorizationRequest | DeviceApprovalRequest; createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.manager.query(
      'INSERT INTO auth.pending_authorizations (handle_hash, tenant_id, client_id, kind, request, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [row.handleHash, row.tenantId, row.clientId, row.kind, JSON.stringify(row.request), row.createdAt, row.expiresAt],
    );
  }

  /** The open, unexpired authorization, or undefined. */
  async find(handleHash: string, now: Date): Promise<PendingAuthorization | undefined> {
    const rows: PendingRow[] = await this.manager.query(
      `SELECT tenant_id, client_id, kind, request, mfa_user_id, failed_attempts FROM auth.pending_authorizations
       WHERE handle_hash = $1 AND completed_at IS NULL AND expires_at > $2`,
      [handleHash, now],
    );
    const row = rows[0];
    if (!row) return undefined;
    const common = { tenantId: row.tenant_id, clientId: row.client_id, mfaUserId: row.mfa_user_id, failedAttempts: row.failed_attempts };
    return row.kind === 'code' ? { kind: 'code', ...common, request: row.request } : { kind: 'device', ...common, request: row.request };
  }

  /** The password was right and a second factor is due (or null: none pending any more). */
  async setMfaUser(handleHash: string, userId: string | null): Promise<void> {
    await this.manager.query('UPDATE auth.pending_authorizations SET mfa_user_id = $2 WHERE handle_hash = $1', [handleHash, userId]);
  }

  async recordFailure(handleHash: string): Promise<void> {
    await this.manager.query('UPDATE auth.pending_authorizations SET failed_attempts = failed_attempts + 1 WHERE handle_hash = $1', [handleHash]);
  }

  /** Completes it; false when it was completed or expired meanwhile (single use). */
  async complete(handleHash: string, now: Date): Promise<boolean> {
    return (await changeRows(this.manager, 'UPDATE auth.pending_authorizations SET completed_at = $2 WHERE handle_hash = $1 AND completed_at IS NULL AND expires_at > $2', [handleHash, now])) === 1;
  }
}
