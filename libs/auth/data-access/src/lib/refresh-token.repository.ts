import { EntityManager } from 'typeorm';
import { changeRows } from './affected-rows';

/** A login's chain of refresh tokens: each rotation adds one and retires its predecessor. */
export interface RefreshTokenFamily {
  id: string;
  tenantId: string;
  userId: string;
  clientId: string;
  scope: string;
  authTime: Date;
  amr: string[];
  revokedAt: Date | null;
  /** The DPoP key thumbprint (RFC 9449) every refresh of the family must prove possession of, if bound. */
  dpopJkt: string | null;
}

/** A stored refresh token (its hash only) with its family. */
export interface StoredRefreshToken {
  id: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  family: RefreshTokenFamily;
}

/** Why a family ended; `session_ended` when its session-service session had ended first (expired, idle, revoked). */
export type FamilyRevocationReason = 'logout' | 'refresh_token_reuse' | 'user_deleted' | 'account_disabled' | 'session_ended';

/** A revoked family whose session session-service has not yet been told to revoke. */
export interface PendingSessionRevocation {
  familyId: string;
  tenantId: string;
  reason: FamilyRevocationReason;
}

interface TokenRow {
  id: string;
  expires_at: Date;
  rotated_at: Date | null;
  family_id: string;
  tenant_id: string;
  user_id: string;
  client_id: string;
  scope: string;
  auth_time: Date;
  amr: string[];
  revoked_at: Date | null;
  dpop_jkt: string | null;
}

interface FamilyRow {
  id: string;
  tenant_id: string;
  user_id: string;
  client_id: string;
  scope: string;
  auth_time: Date;
  amr: string[];
  revoked_at: Date | null;
  dpop_jkt: string | null;
}

function familyOf(row: FamilyRow): RefreshTokenFamily {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    clientId: row.client_id,
    scope: row.scope,
    authTime: row.auth_time,
    amr: row.amr,
    revokedAt: row.revoked_at,
    dpopJkt: row.dpop_jkt,
  };
}

/** Refresh-token families and tokens; calls run in the caller's transaction. */
export class RefreshTokenRepository {
  constructor(private readonly manager: EntityManager) {}

  async createFamily(family: Omit<RefreshTokenFamily, 'revokedAt' | 'dpopJkt'> & { dpopJkt?: string | null }, createdAt: Date): Promise<void> {
    await this.manager.query(
      `INSERT INTO auth.refresh_token_families (id, tenant_id, user_id, client_id, scope, auth_time, amr, created_at, dpop_jkt)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [family.id, family.tenantId, family.userId, family.clientId, family.scope, family.authTime, family.amr, createdAt, family.dpopJkt ?? null],
    );
  }

  async insertToken(token: { id: string; familyId: string; tokenHash: string; createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.manager.query('INSERT INTO auth.refresh_tokens (id, family_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      token.id,
      token.familyId,
      token.tokenHash,
      token.createdAt,
      token.expiresAt,
    ]);
  }

  /**
   * The token whose hash is `tokenHash`. With `lock`, its row is locked until the transaction ends,
   * so two presentations of one token are judged one after the other.
   */
  async findByHash(tokenHash: string, options: { lock: boolean }): Promise<StoredRefreshToken | undefined> {
    const rows: TokenRow[] = await this.manager.query(
      `SELECT t.id, t.expires_at, t.rotated_at, f.id AS family_id, f.tenant_id, f.user_id, f.client_id, f.scope, f.auth_time, f.amr, f.revoked_at, f.dpop_jkt
       FROM auth.refresh_tokens t JOIN auth.refresh_token_families f ON f.id = t.family_id
       WHERE t.token_hash = $1${options.lock ? ' FOR UPDATE OF t' : ''}`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      expiresAt: row.expires_at,
      rotatedAt: row.rotated_at,
      family: {
        id: row.family_id,
        tenantId: row.tenant_id,
        userId: row.user_id,
        clientId: row.client_id,
        scope: row.scope,
        authTime: row.auth_time,
        amr: row.amr,
        revokedAt: row.revoked_at,
        dpopJkt: row.dpop_jkt,
      },
    };
  }

  /** A family of the tenant by id, with the expiry of its current (not yet exchanged) token; undefined when unknown. */
  async findFamily(tenantId: string, familyId: string): Promise<{ family: RefreshTokenFamily; expiresAt: Date | null } | undefined> {
    const rows: Array<FamilyRow & { expires_at: Date | null }> = await this.manager.query(
      `SELECT f.id, f.tenant_id, f.user_id, f.client_id, f.scope, f.auth_time, f.amr, f.revoked_at, f.dpop_jkt,
              (SELECT max(t.expires_at) FROM auth.refresh_tokens t WHERE t.family_id = f.id AND t.rotated_at IS NULL) AS expires_at
       FROM auth.refresh_token_families f WHERE f.tenant_id = $1 AND f.id = $2`,
      [tenantId, familyId],
    );
    const row = rows[0];
    return row && { family: familyOf(row), expiresAt: row.expires_at };
  }

  /** The user's families that are not revoked, locked until the transaction ends. */
  async activeFamiliesOf(tenantId: string, userId: string): Promise<RefreshTokenFamily[]> {
    const rows: FamilyRow[] = await this.manager.query(
      `SELECT f.id, f.tenant_id, f.user_id, f.client_id, f.scope, f.auth_time, f.amr, f.revoked_at, f.dpop_jkt
       FROM auth.refresh_token_families f WHERE f.tenant_id = $1 AND f.user_id = $2 AND f.revoked_at IS NULL FOR UPDATE`,
      [tenantId, userId],
    );
    return rows.map(familyOf);
  }

  /** Marks the token exchanged; false when it already was. */
  async markRotated(tokenId: string, at: Date): Promise<boolean> {
    const changed = await changeRows(this.manager, 'UPDATE auth.refresh_tokens SET rotated_at = $2 WHERE id = $1 AND rotated_at IS NULL', [tokenId, at]);
    return changed === 1;
  }

  /** Revokes the family (every token of it); false when it already was revoked. */
  async revokeFamily(familyId: string, at: Date, reason: FamilyRevocationReason): Promise<boolean> {
    const changed = await changeRows(
      this.manager,
      'UPDATE auth.refresh_token_families SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL',
      [familyId, at, reason],
    );
    return changed === 1;
  }

  /** Whether the family (a login session today) exists and is not revoked. */
  async isFamilyActive(familyId: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query('SELECT 1 FROM auth.refresh_token_families WHERE id = $1 AND revoked_at IS NULL', [familyId]);
    return rows.length > 0;
  }

  /** Records that session-service still has to revoke the family's session. */
  async markSessionRevocationPending(familyId: string): Promise<void> {
    await changeRows(this.manager, 'UPDATE auth.refresh_token_families SET session_revocation_pending = true WHERE id = $1', [familyId]);
  }

  /** Families whose session revocation is still owed to session-service, oldest first. */
  async pendingSessionRevocations(limit: number): Promise<PendingSessionRevocation[]> {
    const rows: Array<{ id: string; tenant_id: string; revoked_reason: FamilyRevocationReason }> = await this.manager.query(
      'SELECT id, tenant_id, revoked_reason FROM auth.refresh_token_families WHERE session_revocation_pending ORDER BY revoked_at LIMIT $1',
      [limit],
    );
    return rows.map((row) => ({ familyId: row.id, tenantId: row.tenant_id, reason: row.revoked_reason }));
  }

  async settleSessionRevocation(familyId: string): Promise<void> {
    await changeRows(this.manager, 'UPDATE auth.refresh_token_families SET session_revocation_pending = false WHERE id = $1', [familyId]);
  }

  /** Deletes families whose every token expired before `before` (their tokens go with them). */
  async purgeExpired(before: Date): Promise<number> {
    return changeRows(
      this.manager,
      `DELETE FROM auth.refresh_token_families f
       WHERE f.created_at < $1 AND NOT EXISTS (SELECT 1 FROM auth.refresh_tokens t WHERE t.family_id = f.id AND t.expires_at >= $1)`,
      [before],
    );
  }
}
