import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * session-service's tables: the sessions (one per login; revoked rows stay for the admin list until
 * purged), the tenant-level session policy, and the append-only revocation log the gateway rebuilds
 * its deny-list from (ids and times only, kept for the longest token lifetime).
 */
export class CreateSessionSchema1796004380385 implements MigrationInterface {
  name = 'CreateSessionSchema1796004380385';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE session.sessions (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        client_id text NOT NULL,
        client_name text,
        user_email text,
        device_type text,
        device_name text,
        browser text,
        os text,
        user_agent text,
        ip_address text,
        country text,
        city text,
        amr text[] NOT NULL DEFAULT '{}',
        remember_me boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        last_activity_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        idle_timeout_seconds integer NOT NULL CHECK (idle_timeout_seconds > 0),
        revoked_at timestamptz,
        revoked_reason text,
        CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
      )`);
    await runner.query('CREATE INDEX sessions_user ON session.sessions (tenant_id, user_id, created_at)');
    await runner.query('CREATE INDEX sessions_tenant ON session.sessions (tenant_id, created_at DESC)');
    await runner.query('CREATE INDEX sessions_open ON session.sessions (expires_at) WHERE revoked_at IS NULL');
    await runner.query('CREATE INDEX sessions_ended ON session.sessions (revoked_at) WHERE revoked_at IS NOT NULL');

    await runner.query(`
      CREATE TABLE session.tenant_policies (
        tenant_id uuid PRIMARY KEY,
        idle_timeout_seconds integer,
        absolute_lifetime_seconds integer,
        remember_me_lifetime_seconds integer,
        max_sessions integer,
        updated_at timestamptz NOT NULL
      )`);

    await runner.query(`
      CREATE TABLE session.revocations (
        seq bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('session', 'subject')),
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        session_id uuid,
        reason text NOT NULL,
        revoked_at timestamptz NOT NULL,
        CHECK ((kind = 'session') = (session_id IS NOT NULL))
      )`);
    await runner.query('CREATE INDEX revocations_time ON session.revocations (revoked_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['revocations', 'tenant_policies', 'sessions']) await runner.query(`DROP TABLE session.${table}`);
  }
}
