import { EntityManager } from 'typeorm';
import { changeRows } from './affected-rows';

export type DeviceStatus = 'pending' | 'approved' | 'denied' | 'consumed';

/** A device authorization (RFC 8628 §3.2) and where the user is with it. */
export interface DeviceAuthorization {
  tenantId: string;
  clientId: string;
  userCode: string;
  scope: string;
  status: DeviceStatus;
  userId: string | null;
  authTime: Date | null;
  amr: string[] | null;
  browserSessionId: string | null;
  intervalSeconds: number;
  lastPolledAt: Date | null;
  expiresAt: Date;
}

interface DeviceRow {
  tenant_id: string;
  client_id: string;
  user_code: string;
  scope: string;
  status: DeviceStatus;
  user_id: string | null;
  auth_time: Date | null;
  amr: string[] | null;
  browser_session_id: string | null;
  interval_seconds: number;
  last_polled_at: Date | null;
  expires_at: Date;
}

const COLUMNS = 'tenant_id, client_id, user_code, scope, status, user_id, auth_time, amr, browser_session_id, interval_seconds, last_polled_at, expires_at';

function deviceOf(row: DeviceRow): DeviceAuthorization {
  return {
    tenantId: row.tenant_id,
    clientId: row.client_id,
    userCode: row.user_code,
    scope: row.scope,
    status: row.status,
    userId: row.user_id,
    authTime: row.auth_time,
    amr: row.amr,
    browserSessionId: row.browser_session_id,
    intervalSeconds: row.interval_seconds,
    lastPolledAt: row.last_polled_at,
    expiresAt: row.expires_at,
  };
}

/** Device authorizations under the hash of their device_code; user codes are unique while stored. */
export class DeviceAuthorizationRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Stores it; false when the user code is taken (the caller draws another). */
  async insert(deviceCodeHash: string, device: Pick<DeviceAuthorization, 'tenantId' | 'clientId' | 'userCode' | 'scope' | 'intervalSeconds' | 'expiresAt'>, now: Date): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `INSERT INTO auth.device_authorizations (device_code_hash, user_code, tenant_id, client_id, scope, interval_seconds, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_code) DO NOTHING RETURNING user_code`,
      [deviceCodeHash, device.userCode, device.tenantId, device.clientId, device.scope, device.intervalSeconds, now, device.expiresAt],
    );
    return rows.length === 1;
  }

  /** The unexpired, still pending authorization a user code names. */
  async findPendingByUserCode(userCode: string, now: Date): Promise<DeviceAuthorization | undefined> {
    const rows: DeviceRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM auth.device_authorizations WHERE user_code = $1 AND status = 'pending' AND expires_at > $2`, [userCode, now]);
    return rows[0] && deviceOf(rows[0]);
  }

  /** The user's decision; false when it was decided or expired meanwhile. */
  async decide(userCode: string, decision: { approved: true; userId: string; authTime: Date; amr: string[]; browserSessionId: string } | { approved: false }, now: Date): Promise<boolean> {
    const changed = decision.approved
      ? await changeRows(
          this.manager,
          `UPDATE auth.device_authorizations SET status = 'approved', user_id = $3, auth_time = $4, amr = $5, browser_session_id = $6
           WHERE user_code = $1 AND status = 'pending' AND expires_at > $2`,
          [userCode, now, decision.userId, decision.authTime, decision.amr, decision.browserSessionId],
        )
      : await changeRows(this.manager, `UPDATE auth.device_authorizations SET status = 'denied' WHERE user_code = $1 AND status = 'pending' AND expires_at > $2`, [userCode, now]);
    return changed === 1;
  }

  /** Locks the authorization for a poll (inside the caller's transaction). */
  async lockForPoll(deviceCodeHash: string): Promise<DeviceAuthorization | undefined> {
    const rows: DeviceRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM auth.device_authorizations WHERE device_code_hash = $1 FOR UPDATE`, [deviceCodeHash]);
    return rows[0] && deviceOf(rows[0]);
  }

  async recordPoll(deviceCodeHash: string, now: Date, intervalSeconds: number): Promise<void> {
    await this.manager.query('UPDATE auth.device_authorizations SET last_polled_at = $2, interval_seconds = $3 WHERE device_code_hash = $1', [deviceCodeHash, now, intervalSeconds]);
  }

  async markConsumed(deviceCodeHash: string): Promise<void> {
    await this.manager.query(`UPDATE auth.device_authorizations SET status = 'consumed' WHERE device_code_hash = $1`, [deviceCodeHash]);
  }
}
