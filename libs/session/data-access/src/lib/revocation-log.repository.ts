import { EntityManager } from 'typeorm';
import { changeRows } from './rows';

export interface RevocationRecord {
  kind: 'session' | 'subject';
  tenantId: string;
  userId: string;
  sessionId: string | null;
  reason: string;
  revokedAt: Date;
}

interface RevocationRow {
  seq: string;
  kind: 'session' | 'subject';
  tenant_id: string;
  user_id: string;
  session_id: string | null;
  reason: string;
  revoked_at: Date;
}

/**
 * The append-only log of revocations, written in the transaction of each revocation, read by the
 * gateway to rebuild its deny-list at start. Entries older than the longest token lifetime are
 * useless (every token they could deny has expired) and are purged.
 */
export class RevocationLogRepository {
  constructor(private readonly manager: EntityManager) {}

  async append(entries: readonly RevocationRecord[]): Promise<void> {
    if (entries.length === 0) return;
    await this.manager.query(
      `INSERT INTO session.revocations (kind, tenant_id, user_id, session_id, reason, revoked_at)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[])`,
      [
        entries.map((e) => e.kind),
        entries.map((e) => e.tenantId),
        entries.map((e) => e.userId),
        entries.map((e) => e.sessionId),
        entries.map((e) => e.reason),
        entries.map((e) => e.revokedAt),
      ],
    );
  }

  /** Entries revoked at or after `since`, in log order after `cursor`; `next` is set when more may follow. */
  async page(since: Date, cursor: string | undefined, limit: number): Promise<{ entries: RevocationRecord[]; next: string | null }> {
    const rows: RevocationRow[] = await this.manager.query(
      `SELECT seq, kind, tenant_id, user_id, session_id, reason, revoked_at FROM session.revocations
       WHERE revoked_at >= $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [since, cursor ?? '0', limit],
    );
    const last = rows[rows.length - 1];
    return {
      entries: rows.map((row) => ({ kind: row.kind, tenantId: row.tenant_id, userId: row.user_id, sessionId: row.session_id, reason: row.reason, revokedAt: row.revoked_at })),
      next: rows.length === limit && last ? String(last.seq) : null,
    };
  }

  /** The reason of the user's first subject revocation at or after `since` (sign out everywhere, deletion), if any. */
  async subjectRevokedSince(tenantId: string, userId: string, since: Date): Promise<string | undefined> {
    const rows: Array<{ reason: string }> = await this.manager.query(
      `SELECT reason FROM session.revocations WHERE kind = 'subject' AND tenant_id = $1 AND user_id = $2 AND revoked_at >= $3 ORDER BY seq LIMIT 1`,
      [tenantId, userId, since],
    );
    return rows[0]?.reason;
  }

  async purgeBefore(before: Date): Promise<number> {
    return (await changeRows(this.manager, 'DELETE FROM session.revocations WHERE revoked_at < $1', [before])).count;
  }
}
