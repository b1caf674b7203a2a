import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A refresh-token family is the local side of a session-service session (same id). When a family
 * is revoked while session-service cannot be reached, the session's revocation is owed to it: the
 * flag marks it, and auth-server retries until session-service has it.
 */
export class SessionRevocationSync1796004695382 implements MigrationInterface {
  name = 'SessionRevocationSync1796004695382';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE auth.refresh_token_families ADD COLUMN session_revocation_pending boolean NOT NULL DEFAULT false');
    await runner.query('CREATE INDEX refresh_token_families_session_pending ON auth.refresh_token_families (revoked_at) WHERE session_revocation_pending');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE auth.refresh_token_families DROP COLUMN session_revocation_pending');
  }
}
