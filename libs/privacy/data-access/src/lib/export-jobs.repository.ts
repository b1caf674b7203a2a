import type { JWK } from 'jose';
import { EntityManager } from 'typeorm';
import { changedRows } from './changed-rows';

export type ExportFormat = 'json' | 'csv';
export type ExportStatus = 'processing' | 'completed' | 'failed' | 'expired';

export interface NewExportJob {
  id: string;
  tenantId: string;
  userId: string;
  requestedBy: string | null;
  requestedByClient: string;
  format: ExportFormat;
  includeServices: string[];
  services: string[];
  privateKey: JWK;
  deadline: Date;
}

export interface ExportServiceProgress {
  service: string;
  total_parts: number | null;
  parts_received: number;
  answered_at: Date | null;
}

export interface ExportJobRecord {
  id: string;
  tenant_id: string;
  user_id: string;
  requested_by: string | null;
  format: ExportFormat;
  include_services: string[];
  services: string[];
  status: ExportStatus;
  failure_reason: string | null;
  created_at: Date;
  deadline: Date;
  completed_at: Date | null;
  expires_at: Date | null;
  artifact_bytes: number | null;
  progress: ExportServiceProgress[];
}

const JOB_COLUMNS = `j.id, j.tenant_id, j.user_id, j.requested_by, j.format, j.include_services, j.services, j.status, j.failure_reason,
  j.created_at, j.deadline, j.completed_at, j.expires_at, j.artifact_bytes,
  COALESCE((SELECT json_agg(json_build_object('service', s.service, 'total_parts', s.total_parts, 'parts_received', s.parts_received,
    'answered_at', s.answered_at) ORDER BY s.service) FROM privacy.export_job_services s WHERE s.job_id = j.id), '[]') AS progress`;

function withDates(row: ExportJobRecord): ExportJobRecord {
  return { ...row, progress: row.progress.map((p) => ({ ...p, answered_at: p.answered_at === null ? null : new Date(p.answered_at) })) };
}

/** Export jobs, their per-service progress, parts and artifacts; calls run in the caller's transaction. */
export class ExportJobsRepository {
  constructor(private readonly manager: EntityManager) {}

  async create(job: NewExportJob): Promise<ExportJobRecord> {
    await this.manager.query(
      `INSERT INTO privacy.export_jobs (id, tenant_id, user_id, requested_by, requested_by_client, format, include_services, services, status, private_key, deadline)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'processing', $9, $10)`,
      [job.id, job.tenantId, job.userId, job.requestedBy, job.requestedByClient, job.format, job.includeServices, job.services, JSON.stringify(job.privateKey), job.deadline],
    );
    await this.manager.query('INSERT INTO privacy.export_job_services (job_id, service) SELECT $1, unnest($2::text[])', [job.id, job.services]);
    const created = await this.find(job.id);
    if (!created) throw new Error('export job vanished inside its own transaction');
    return created;
  }

  async find(id: string): Promise<ExportJobRecord | undefined> {
    const rows: ExportJobRecord[] = await this.manager.query(`SELECT ${JOB_COLUMNS} FROM privacy.export_jobs j WHERE j.id = $1`, [id]);
    return rows[0] && withDates(rows[0]);
  }

  /** The job's private key while it is still processing, its row locked until the transaction ends. */
  async lockProcessing(id: string): Promise<{ user_id: string; tenant_id: string; format: ExportFormat; private_key: JWK } | undefined> {
    const rows: Array<{ user_id: string; tenant_id: string; format: ExportFormat; private_key: JWK }> = await this.manager.query(
      `SELECT user_id, tenant_id, format, private_key FROM privacy.export_jobs WHERE id = $1 AND status = 'processing' FOR UPDATE`,
      [id],
    );
    return rows[0];
  }

  /**
   * Stores one part of one service's slice. Parts of services the job does not expect, and
   * parts already received (a redelivery), change nothing; returns whether the part was new.
   */
  async addPart(part: { jobId: string; service: string; part: number; totalParts: number; ciphertext: string }): Promise<boolean> {
    const expected: unknown[] = await this.manager.query('SELECT 1 FROM privacy.export_job_services WHERE job_id = $1 AND service = $2', [part.jobId, part.service]);
    if (expected.length === 0 || part.part >= part.totalParts) return false;
    const inserted: unknown[] = await this.manager.query(
      `INSERT INTO privacy.export_parts (job_id, service, part, ciphertext) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING part`,
      [part.jobId, part.service, part.part, part.ciphertext],
    );
    if (inserted.length === 0) return false;
    await this.manager.query(
      `UPDATE privacy.export_job_services SET total_parts = $3, parts_received = parts_received + 1,
         answered_at = CASE WHEN parts_received + 1 >= $3 THEN now() END
       WHERE job_id = $1 AND service = $2`,
      [part.jobId, part.service, part.totalParts],
    );
    return true;
  }

  async allAnswered(jobId: string): Promise<boolean> {
    const [row]: Array<{ waiting: string }> = await this.manager.query(
      'SELECT count(*) AS waiting FROM privacy.export_job_services WHERE job_id = $1 AND answered_at IS NULL',
      [jobId],
    );
    return Number(row.waiting) === 0;
  }

  /** Each service's slice, its parts joined in order. */
  async slicesOf(jobId: string): Promise<Array<{ service: string; jwe: string }>> {
    return this.manager.query(
      `SELECT service, string_agg(ciphertext, '' ORDER BY part) AS jwe FROM privacy.export_parts WHERE job_id = $1 GROUP BY service ORDER BY service`,
      [jobId],
    );
  }

  /** Stores the artifact; the private key and the parts go (what is left on the broker can no longer be read). */
  async complete(jobId: string, artifact: Buffer, expiresAt: Date): Promise<void> {
    await this.manager.query(
      `UPDATE privacy.export_jobs SET status = 'completed', completed_at = now(), expires_at = $2, artifact = $3, artifact_bytes = $4, private_key = NULL
       WHERE id = $1`,
      [jobId, expiresAt, artifact, artifact.length],
    );
    await this.manager.query('DELETE FROM privacy.export_parts WHERE job_id = $1', [jobId]);
  }

  async fail(jobId: string, reason: string): Promise<void> {
    await this.manager.query(`UPDATE privacy.export_jobs SET status = 'failed', failure_reason = $2, completed_at = now(), private_key = NULL WHERE id = $1`, [jobId, reason]);
    await this.manager.query('DELETE FROM privacy.export_parts WHERE job_id = $1', [jobId]);
  }

  /** Processing jobs past their deadline, locked (other replicas skip them), with the services still silent. */
  async lockOverdue(limit: number): Promise<Array<{ id: string; tenant_id: string; user_id: string; silent: string[] }>> {
    return this.manager.query(
      `SELECT j.id, j.tenant_id, j.user_id,
              ARRAY(SELECT s.service FROM privacy.export_job_services s WHERE s.job_id = j.id AND s.answered_at IS NULL ORDER BY s.service) AS silent
         FROM privacy.export_jobs j
        WHERE j.status = 'processing' AND j.deadline < now()
        ORDER BY j.deadline LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  /** Deletes artifacts past their expiry; returns how many. */
  async expireArtifacts(): Promise<number> {
    return changedRows(this.manager, `UPDATE privacy.export_jobs SET status = 'expired', artifact = NULL WHERE status = 'completed' AND expires_at < now()`);
  }

  async artifactOf(jobId: string): Promise<Buffer | undefined> {
    const rows: Array<{ artifact: Buffer | null }> = await this.manager.query(`SELECT artifact FROM privacy.export_jobs WHERE id = $1 AND status = 'completed'`, [jobId]);
    return rows[0]?.artifact ?? undefined;
  }

  /** The subject's export history (for the worker's own slice of an export). */
  async historyOf(tenantId: string, userId: string): Promise<Array<Record<string, unknown>>> {
    return this.manager.query(
      `SELECT id AS job_id, format, status, created_at, completed_at, expires_at, requested_by = user_id AS requested_by_subject
         FROM privacy.export_jobs WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`,
      [tenantId, userId],
    );
  }

  /** Erasure: every job and artifact of the user. */
  async deleteForUser(userId: string): Promise<void> {
    await this.manager.query('DELETE FROM privacy.export_jobs WHERE user_id = $1', [userId]);
  }
}
