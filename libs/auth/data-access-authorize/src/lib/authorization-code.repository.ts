import { EntityManager } from 'typeorm';
import { updatedRows } from './affected-rows';

/** What an authorization code stands for (RFC 6749 §4.1.2). */
export interface AuthorizationCode {
  tenantId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scope: string;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  dpopJkt: string | null;
  authTime: Date;
  amr: string[];
  browserSessionId: string | null;
  expiresAt: Date;
}

interface CodeRow {
  tenant_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scope: string;
  nonce: string | null;
  code_challenge: string | null;
  code_challenge_method: 'S256' | 'plain' | null;
  dpop_jkt: string | null;
  auth_time: Date;
  amr: string[];
  browser_session_id: string | null;
  expires_at: Date;
  consumed_at: Date | null;
  session_id: string | null;
}

/** The outcome of presenting a code: first use (now spent), a replay (with the session it issued), or unknown/expired. */
export type CodeRedemption = { outcome: 'redeemed'; code: AuthorizationCode } | { outcome: 'replayed'; code: AuthorizationCode; sessionId: string | null } | { outcome: 'invalid' };

const COLUMNS = 'tenant_id, client_id, user_id, redirect_uri, scope, nonce, code_challenge, code_challenge_method, dpop_jkt, auth_time, amr, browser_session_id, expires_at, consumed_at, session_id';

function codeOf(row: CodeRow): AuthorizationCode {
  return {
    tenantId: row.tenant_id,
    clientId: row.client_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    scope: row.scope,
    nonce: row.nonce,
    codeChallenge: row.code_challenge,
    codeChallengeMethod: row.code_challenge_method,
    dpopJkt: row.dpop_jkt,
    authTime: row.auth_time,
    amr: row.amr,
    browserSessionId: row.browser_session_id,
    expiresAt: row.expires_at,
  };
}

/** Authorization codes under their hash; single use, and a replay finds what the first use issued. */
export class AuthorizationCodeRepository {
  constructor(private readonly manager: EntityManager) {}

  async insert(codeHash: string, code: AuthorizationCode, createdAt: Date): Promise<void> {
    await this.manager.query(
      `INSERT INTO auth.authorization_codes (code_hash, tenant_id, client_id, user_id, redirect_uri, scope, nonce, code_challenge, code_challenge_method, dpop_jkt,
         auth_time, amr, browser_session_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        codeHash,
        code.tenantId,
        code.clientId,
        code.userId,
        code.redirectUri,
        code.scope,
        code.nonce,
        code.codeChallenge,
        code.codeChallengeMethod,
        code.dpopJkt,
        code.authTime,
        code.amr,
        code.browserSessionId,
        createdAt,
        code.expiresAt,
      ],
    );
  }

  /** The code as stored, whether spent, and the session its first use started (no lock: a look before the real redemption). */
  async find(codeHash: string): Promise<{ code: AuthorizationCode; consumed: boolean; sessionId: string | null } | undefined> {
    const rows: CodeRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM auth.authorization_codes WHERE code_hash = $1`, [codeHash]);
    const row = rows[0];
    return row && { code: codeOf(row), consumed: row.consumed_at !== null, sessionId: row.session_id };
  }

  /**
   * Spends the code under a row lock (inside the caller's transaction): the first presentation of
   * an unexpired code redeems it; any later one is a replay.
   */
  async redeem(codeHash: string, now: Date): Promise<CodeRedemption> {
    const rows: CodeRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM auth.authorization_codes WHERE code_hash = $1 FOR UPDATE`, [codeHash]);
    const row = rows[0];
    if (!row) return { outcome: 'invalid' };
    if (row.consumed_at !== null) return { outcome: 'replayed', code: codeOf(row), sessionId: row.session_id };
    if (row.expires_at <= now) return { outcome: 'invalid' };
    await this.manager.query('UPDATE auth.authorization_codes SET consumed_at = $2 WHERE code_hash = $1', [codeHash, now]);
    return { outcome: 'redeemed', code: codeOf(row) };
  }

  /** Records the login session the code's tokens belong to (what a replay revokes). */
  async recordSession(codeHash: string, sessionId: string): Promise<void> {
    await updatedRows(this.manager, 'UPDATE auth.authorization_codes SET session_id = $2 WHERE code_hash = $1 RETURNING code_hash', [codeHash, sessionId]);
  }
}
