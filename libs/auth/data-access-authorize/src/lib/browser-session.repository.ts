import { EntityManager } from 'typeorm';
import { updatedRows } from './affected-rows';

/** A signed-in browser (the session cookie's server side). */
export interface BrowserSession {
  id: string;
  tenantId: string;
  userId: string;
  authTime: Date;
  amr: string[];
  /** When the browser signed in, to the millisecond (authTime is whole seconds, as ID tokens carry it). */
  createdAt: Date;
  expiresAt: Date;
}

interface BrowserSessionRow {
  id: string;
  tenant_id: string;
  user_id: string;
  auth_time: Date;
  amr: string[];
  created_at: Date;
  expires_at: Date;
}

function sessionOf(row: BrowserSessionRow): BrowserSession {
  return { id: row.id, tenantId: row.tenant_id, userId: row.user_id, authTime: row.auth_time, amr: row.amr, createdAt: row.created_at, expiresAt: row.expires_at };
}

/** Browser sessions, found by the hash of their cookie, and the login sessions (sid) started from each. */
export class BrowserSessionRepository {
  constructor(private readonly manager: EntityManager) {}

  async insert(session: BrowserSession & { tokenHash: string }): Promise<void> {
    await this.manager.query(
      'INSERT INTO auth.browser_sessions (id, token_hash, tenant_id, user_id, auth_time, amr, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [session.id, session.tokenHash, session.tenantId, session.userId, session.authTime, session.amr, session.createdAt, session.expiresAt],
    );
  }

  async findActive(tokenHash: string, now: Date): Promise<BrowserSession | undefined> {
    const rows: BrowserSessionRow[] = await this.manager.query(
      'SELECT id, tenant_id, user_id, auth_time, amr, created_at, expires_at FROM auth.browser_sessions WHERE token_hash = $1 AND ended_at IS NULL AND expires_at > $2',
      [tokenHash, now],
    );
    return rows[0] && sessionOf(rows[0]);
  }

  async findActiveById(id: string, now: Date): Promise<BrowserSession | undefined> {
    const rows: BrowserSessionRow[] = await this.manager.query(
      'SELECT id, tenant_id, user_id, auth_time, amr, created_at, expires_at FROM auth.browser_sessions WHERE id = $1 AND ended_at IS NULL AND expires_at > $2',
      [id, now],
    );
    return rows[0] && sessionOf(rows[0]);
  }

  async recordLogin(browserSessionId: string, sessionId: string): Promise<void> {
    await this.manager.query('INSERT INTO auth.browser_session_logins (browser_session_id, session_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [browserSessionId, sessionId]);
  }

  /** The login sessions started from the browser session, at most `limit`. */
  async loginsOf(browserSessionId: string, limit: number): Promise<string[]> {
    const rows: Array<{ session_id: string }> = await this.manager.query('SELECT session_id FROM auth.browser_session_logins WHERE browser_session_id = $1 LIMIT $2', [browserSessionId, limit]);
    return rows.map((row) => row.session_id);
  }

  /** Ends the browser session; the login sessions started from it (to end with it), or undefined when it had ended. */
  async end(id: string, now: Date): Promise<string[] | undefined> {
    const ended = await updatedRows<{ id: string }>(this.manager, 'UPDATE auth.browser_sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL RETURNING id', [id, now]);
    if (ended.length === 0) return undefined;
    const rows: Array<{ session_id: string }> = await this.manager.query('SELECT session_id FROM auth.browser_session_logins WHERE browser_session_id = $1', [id]);
    return rows.map((row) => row.session_id);
  }
}
