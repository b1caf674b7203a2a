import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Export jobs with their parts and artifacts, erasure requests with each service's
 * acknowledgement (the receipt: no personal data once complete), and mailed verification codes.
 */
export class CreatePrivacyRequests1796004402953 implements MigrationInterface {
  name = 'CreatePrivacyRequests1796004402953';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE privacy.export_jobs (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        requested_by uuid,
        requested_by_client text NOT NULL,
        format text NOT NULL CHECK (format IN ('json', 'csv')),
        include_services text[] NOT NULL DEFAULT '{}',
        services text[] NOT NULL,
        status text NOT NULL CHECK (status IN ('processing', 'completed', 'failed', 'expired')),
        failure_reason text,
        private_key jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        deadline timestamptz NOT NULL,
        completed_at timestamptz,
        expires_at timestamptz,
        artifact bytea,
        artifact_bytes integer,
        CHECK ((status = 'processing') = (private_key IS NOT NULL))
      )`);
    await runner.query('CREATE INDEX export_jobs_user ON privacy.export_jobs (tenant_id, user_id)');
    await runner.query(`CREATE INDEX export_jobs_deadline ON privacy.export_jobs (deadline) WHERE status = 'processing'`);
    await runner.query(`CREATE INDEX export_jobs_expiry ON privacy.export_jobs (expires_at) WHERE status = 'completed'`);
    await runner.query(`
      CREATE TABLE privacy.export_job_services (
        job_id uuid NOT NULL REFERENCES privacy.export_jobs (id) ON DELETE CASCADE,
        service text NOT NULL,
        total_parts integer,
        parts_received integer NOT NULL DEFAULT 0,
        answered_at timestamptz,
        PRIMARY KEY (job_id, service)
      )`);
    await runner.query(`
      CREATE TABLE privacy.export_parts (
        job_id uuid NOT NULL,
        service text NOT NULL,
        part integer NOT NULL,
        ciphertext text NOT NULL,
        PRIMARY KEY (job_id, service, part),
        FOREIGN KEY (job_id, service) REFERENCES privacy.export_job_services (job_id, service) ON DELETE CASCADE
      )`);
    await runner.query(`
      CREATE TABLE privacy.erasure_requests (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        subject_hash text NOT NULL,
        user_id uuid,
        verified_by text NOT NULL CHECK (verified_by IN ('code', 'admin')),
        services text[] NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CHECK ((completed_at IS NULL) OR (user_id IS NULL))
      )`);
    await runner.query('CREATE INDEX erasure_requests_user ON privacy.erasure_requests (user_id) WHERE user_id IS NOT NULL');
    await runner.query(`
      CREATE TABLE privacy.erasure_acknowledgements (
        request_id uuid NOT NULL REFERENCES privacy.erasure_requests (id) ON DELETE CASCADE,
        service text NOT NULL,
        acknowledged_at timestamptz NOT NULL,
        PRIMARY KEY (request_id, service)
      )`);
    await runner.query(`
      CREATE TABLE privacy.verification_codes (
        user_id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        salt text NOT NULL,
        code_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        failed_attempts integer NOT NULL DEFAULT 0
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['verification_codes', 'erasure_acknowledgements', 'erasure_requests', 'export_parts', 'export_job_services', 'export_jobs']) {
      await runner.query(`DROP TABLE privacy.${table}`);
    }
  }
}
