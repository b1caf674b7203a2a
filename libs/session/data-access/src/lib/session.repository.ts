import type { SessionRevocationReason } from '@sigma/session/domain';
import { EntityManager } from 'typeorm';
import { changeRows } from './rows';

/** A session as stored. */
export interface SessionRecord {
  id: string;
  tenantId: string;
  userId: string;
  clientId: string;
  clientName: string | null;
  userEmail: string | null;
  deviceType: string | null;
  deviceName: string | null;
  browser: string | null;
  os: string | null;
  userAgent: string | null;
  ipAddress: string | null;
  country: string | null;
  city: string | null;
  amr: string[];
  rememberMe: boolean;
  createdAt: Date;
  lastActivityAt: Date;
  expiresAt: Date;
  idleTimeoutSeconds: number;
  revokedAt: Date | null;
  revokedReason: string | null;
}

export interface SessionFilter {
  tenantId: string;
  userId?: string;
  clientId?: string;
  /** true: only usable sessions; false: only ended ones (revoked, expired or idle). */
  active?: boolean;
}

interface SessionRow {
  id: string;
  tenant_id: string;
  user_id: string;
  client_id: string;
  client_name: string | null;
  user_email: string | null;
  device_type: string | null;
  device_name: string | null;
  browser: string | null;
  os: string | null;
  user_agent: string | null;
  ip_address: string | null;
  country: string | null;
  city: string | null;
  amr: string[];
  remember_me: boolean;
  created_at: Date;
  last_activity_at: Date;
  expires_at: Date;
  idle_timeout_seconds: number;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

const COLUMNS =
  'id, tenant_id, user_id, client_id, client_name, user_email, device_type, device_name, browser, os, user_agent, ip_address, country, city, amr, remember_me, ' +
  'created_at, last_activity_at, expires_at, idle_timeout_seconds, revoked_at, revoked_reason';

/** A usable session: not revoked, before its absolute end, and used within its idle timeout ($n = now). */
const USABLE = (now: string) => `revoked_at IS NULL AND expires_at > ${now} AND last_activity_at + make_interval(secs => idle_timeout_seconds) > ${now}`;

function recordOf(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    clientId: row.client_id,
    clientName: row.client_name,
    userEmail: row.user_email,
    deviceType: row.device_type,
    deviceName: row.device_name,
    browser: row.browser,
    os: row.os,
    userAgent: row.user_agent,
    ipAddress: row.ip_address,
    country: row.country,
    city: row.city,
    amr: row.amr,
    rememberMe: row.remember_me,
    createdAt: row.created_at,
    lastActivityAt: row.last_activity_at,
    expiresAt: row.expires_at,
    idleTimeoutSeconds: row.idle_timeout_seconds,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  };
}

/** Sessions; calls run in the caller's transaction (or the manager's implicit one). */
export class SessionRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Serialises the logins and revocations of one user until the transaction ends. */
  async lockUser(tenantId: string, userId: string): Promise<void> {
    await this.manager.query("SELECT pg_advisory_xact_lock(hashtext('sigma-iam:sessions:' || $1 || ':' || $2))", [tenantId, userId]);
  }

  async insert(session: Omit<SessionRecord, 'revokedAt' | 'revokedReason'>): Promise<void> {
    await this.manager.query(
      `INSERT INTO session.sessions (id, tenant_id, user_id, client_id, client_name, user_email, device_type, device_name, browser, os, user_agent, ip_address,
         country, city, amr, remember_me, created_at, last_activity_at, expires_at, idle_timeout_seconds)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [
        session.id,
        session.tenantId,
        session.userId,
        session.clientId,
        session.clientName,
        session.userEmail,
        session.deviceType,
        session.deviceName,
        session.browser,
        session.os,
        session.userAgent,
        session.ipAddress,
        session.country,
        session.city,
        session.amr,
        session.rememberMe,
        session.createdAt,
        session.lastActivityAt,
        session.expiresAt,
        session.idleTimeoutSeconds,
      ],
    );
  }

  /** The session in its tenant; with `lock`, its row stays locked until the transaction ends. */
  async find(tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<SessionRecord | undefined> {
    const rows: SessionRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM session.sessions WHERE id = $1 AND tenant_id = $2${options.lock ? ' FOR UPDATE' : ''}`, [
      id,
      tenantId,
    ]);
    return rows[0] && recordOf(rows[0]);
  }

  /** A user's usable sessions, oldest first; in one application when `clientId` is given. */
  async usableOfUser(tenantId: string, userId: string, now: Date, clientId?: string): Promise<SessionRecord[]> {
    const rows: SessionRow[] = await this.manager.query(
      `SELECT ${COLUMNS} FROM session.sessions
       WHERE tenant_id = $1 AND user_id = $2 AND ${USABLE('$3')} AND ($4::text IS NULL OR client_id = $4)
       ORDER BY created_at, id`,
      [tenantId, userId, now, clientId ?? null],
    );
    return rows.map(recordOf);
  }

  /**
   * Of the given sessions of the user: how many exist, and the reason of one revoked on purpose
   * (not the session's own lifetime running out: `idle_timeout`, `expired`), if any.
   */
  async deliberateRevocationAmong(tenantId: string, userId: string, ids: readonly string[]): Promise<{ found: number; reason: string | null }> {
    const rows: Array<{ found: string; reason: string | null }> = await this.manager.query(
      `SELECT count(*) AS found,
              (array_agg(revoked_reason ORDER BY revoked_at) FILTER (WHERE revoked_at IS NOT NULL AND revoked_reason NOT IN ('idle_timeout', 'expired')))[1] AS reason
         FROM session.sessions WHERE tenant_id = $1 AND user_id = $2 AND id = ANY ($3::uuid[])`,
      [tenantId, userId, ids],
    );
    return { found: Number(rows[0]?.found ?? 0), reason: rows[0]?.reason ?? null };
  }

  async touch(id: string, now: Date): Promise<void> {
    await changeRows(this.manager, 'UPDATE session.sessions SET last_activity_at = $2 WHERE id = $1 AND last_activity_at < $2', [id, now]);
  }

  /** Ends the session; undefined when it had ended already (nothing changes then). */
  async revoke(id: string, now: Date, reason: SessionRevocationReason): Promise<SessionRecord | undefined> {
    const { rows } = await changeRows<SessionRow>(
      this.manager,
      `UPDATE session.sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [id, now, reason],
    );
    return rows[0] && recordOf(rows[0]);
  }

  /** Ends every session of the user not yet revoked (expired and idle ones included); answers those it ended. */
  async revokeAllOfUser(tenantId: string, userId: string, now: Date, reason: SessionRevocationReason): Promise<SessionRecord[]> {
    const { rows } = await changeRows<SessionRow>(
      this.manager,
      `UPDATE session.sessions SET revoked_at = $3, revoked_reason = $4 WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [tenantId, userId, now, reason],
    );
    return rows.map(recordOf);
  }

  /** Sessions past their end that nobody revoked yet (the sweep revokes them), up to `limit`. */
  async endedButOpen(now: Date, limit: number): Promise<SessionRecord[]> {
    const rows: SessionRow[] = await this.manager.query(
      `SELECT ${COLUMNS} FROM session.sessions
       WHERE revoked_at IS NULL AND (expires_at <= $1 OR last_activity_at + make_interval(secs => idle_timeout_seconds) <= $1)
       ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(recordOf);
  }

  /** One page of a tenant's sessions, newest first, with the total and active counts of the filter. */
  async list(filter: SessionFilter, now: Date, page: { limit: number; offset: number }): Promise<{ sessions: SessionRecord[]; total: number; activeCount: number }> {
    const conditions = ['tenant_id = $1', '$2::timestamptz IS NOT NULL'];
    const parameters: unknown[] = [filter.tenantId, now];
    if (filter.userId !== undefined) conditions.push(`user_id = $${parameters.push(filter.userId)}`);
    if (filter.clientId !== undefined) conditions.push(`client_id = $${parameters.push(filter.clientId)}`);
    if (filter.active !== undefined) conditions.push(`${filter.active ? '' : 'NOT '}(${USABLE('$2')})`);
    const where = conditions.join(' AND ');
    const counts: Array<{ total: string; active: string }> = await this.manager.query(
      `SELECT count(*) AS total, count(*) FILTER (WHERE ${USABLE('$2')}) AS active FROM session.sessions WHERE ${where}`,
      parameters,
    );
    const rows: SessionRow[] = await this.manager.query(
      `SELECT ${COLUMNS} FROM session.sessions WHERE ${where} ORDER BY created_at DESC, id LIMIT $${parameters.length + 1} OFFSET $${parameters.length + 2}`,
      [...parameters, page.limit, page.offset],
    );
    return { sessions: rows.map(recordOf), total: Number(counts[0]?.total ?? 0), activeCount: Number(counts[0]?.active ?? 0) };
  }

  /** Deletes every session of the user (erasure); answers how many. */
  async purgeUser(tenantId: string, userId: string): Promise<number> {
    return (await changeRows(this.manager, 'DELETE FROM session.sessions WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId])).count;
  }

  /** Deletes sessions that ended (were revoked) before `before`. */
  async purgeEndedBefore(before: Date): Promise<number> {
    return (await changeRows(this.manager, 'DELETE FROM session.sessions WHERE revoked_at < $1', [before])).count;
  }
}
