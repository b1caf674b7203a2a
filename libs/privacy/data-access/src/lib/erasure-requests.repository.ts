import { EntityManager } from 'typeorm';
import { changedRows } from './changed-rows';

export interface ErasureRequestRecord {
  id: string;
  tenant_id: string;
  subject_hash: string;
  verified_by: 'code' | 'admin';
  services: string[];
  requested_at: Date;
  completed_at: Date | null;
  acknowledgements: Array<{ service: string; acknowledged_at: Date }>;
}

/**
 * Erasure requests and their acknowledgements. Once every service has acknowledged, the request
 * forgets the user id and stays as a receipt: tenant, hashed subject, times, services.
 */
export class ErasureRequestsRepository {
  constructor(private readonly manager: EntityManager) {}

  async create(request: { id: string; tenantId: string; subjectHash: string; userId: string; verifiedBy: 'code' | 'admin'; services: string[] }): Promise<void> {
    await this.manager.query(
      `INSERT INTO privacy.erasure_requests (id, tenant_id, subject_hash, user_id, verified_by, services) VALUES ($1, $2, $3, $4, $5, $6)`,
      [request.id, request.tenantId, request.subjectHash, request.userId, request.verifiedBy, request.services],
    );
  }

  async find(id: string): Promise<ErasureRequestRecord | undefined> {
    const rows: ErasureRequestRecord[] = await this.manager.query(
      `SELECT r.id, r.tenant_id, r.subject_hash, r.verified_by, r.services, r.requested_at, r.completed_at,
              COALESCE((SELECT json_agg(json_build_object('service', a.service, 'acknowledged_at', a.acknowledged_at) ORDER BY a.service)
                          FROM privacy.erasure_acknowledgements a WHERE a.request_id = r.id), '[]') AS acknowledgements
         FROM privacy.erasure_requests r WHERE r.id = $1`,
      [id],
    );
    const row = rows[0];
    return row && { ...row, acknowledgements: row.acknowledgements.map((a) => ({ service: a.service, acknowledged_at: new Date(a.acknowledged_at) })) };
  }

  /** An erasure of this user still in progress, if any. */
  async pendingFor(userId: string): Promise<string | undefined> {
    const rows: Array<{ id: string }> = await this.manager.query('SELECT id FROM privacy.erasure_requests WHERE user_id = $1 AND completed_at IS NULL', [userId]);
    return rows[0]?.id;
  }

  /**
   * Records one service's acknowledgement (a repeated one changes nothing) and completes the
   * request when it was the last; returns whether the request is complete.
   */
  async acknowledge(requestId: string, service: string, at: string): Promise<boolean> {
    const requests: Array<{ services: string[] }> = await this.manager.query('SELECT services FROM privacy.erasure_requests WHERE id = $1 FOR UPDATE', [requestId]);
    const request = requests[0];
    if (!request || !request.services.includes(service)) return false;
    await this.manager.query(
      'INSERT INTO privacy.erasure_acknowledgements (request_id, service, acknowledged_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [requestId, service, at],
    );
    const completed = await changedRows(
      this.manager,
      `UPDATE privacy.erasure_requests r SET completed_at = (SELECT max(a.acknowledged_at) FROM privacy.erasure_acknowledgements a WHERE a.request_id = r.id), user_id = NULL
        WHERE r.id = $1 AND r.completed_at IS NULL
          AND (SELECT count(*) FROM privacy.erasure_acknowledgements a WHERE a.request_id = r.id AND a.service = ANY(r.services)) = cardinality(r.services)`,
      [requestId],
    );
    return completed > 0;
  }

  /** The subject's erasure receipts (for the worker's own slice of an export). */
  async receiptsOf(subjectHash: string): Promise<Array<Record<string, unknown>>> {
    return this.manager.query(
      'SELECT id AS request_id, verified_by, requested_at, completed_at FROM privacy.erasure_requests WHERE subject_hash = $1 ORDER BY requested_at',
      [subjectHash],
    );
  }
}
