import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-ins started from the login page (ADR 23): a pending upstream sign-in can belong to a pending
 * OAuth authorization, whose login challenge it keeps (sealed) to finish that authorization.
 */
export class FederationLoginChallenge1796007331962 implements MigrationInterface {
  name = 'FederationLoginChallenge1796007331962';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE auth.sso_login_states DROP CONSTRAINT sso_login_states_flow_check');
    await runner.query("ALTER TABLE auth.sso_login_states ADD CONSTRAINT sso_login_states_flow_check CHECK (flow IN ('redirect', 'sso', 'authorize'))");
    await runner.query('ALTER TABLE auth.sso_login_states ADD COLUMN login_challenge_sealed text');
    await runner.query("ALTER TABLE auth.sso_login_states ADD CONSTRAINT sso_login_states_challenge CHECK ((flow = 'authorize') = (login_challenge_sealed IS NOT NULL))");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("DELETE FROM auth.sso_login_states WHERE flow = 'authorize'");
    await runner.query('ALTER TABLE auth.sso_login_states DROP CONSTRAINT sso_login_states_challenge');
    await runner.query('ALTER TABLE auth.sso_login_states DROP COLUMN login_challenge_sealed');
    await runner.query('ALTER TABLE auth.sso_login_states DROP CONSTRAINT sso_login_states_flow_check');
    await runner.query("ALTER TABLE auth.sso_login_states ADD CONSTRAINT sso_login_states_flow_check CHECK (flow IN ('redirect', 'sso'))");
  }
}
