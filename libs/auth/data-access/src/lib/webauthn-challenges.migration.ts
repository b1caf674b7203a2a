import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pending WebAuthn ceremonies: each challenge is stored under its SHA-256 hash, bound to a tenant
 * (and, for registration, the signed-in user), short-lived and consumed by its first use.
 */
export class WebauthnChallenges1796004262193 implements MigrationInterface {
  name = 'WebauthnChallenges1796004262193';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE auth.webauthn_challenges (
        challenge_hash text PRIMARY KEY,
        ceremony text NOT NULL CHECK (ceremony IN ('registration', 'authentication')),
        tenant_id uuid NOT NULL,
        user_id uuid,
        any_user boolean NOT NULL DEFAULT false,
        client_id text,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        CHECK (ceremony = 'authentication' OR (user_id IS NOT NULL AND NOT any_user))
      )`);
    await runner.query('CREATE INDEX webauthn_challenges_expiry ON auth.webauthn_challenges (expires_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE auth.webauthn_challenges');
  }
}
