import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seed 001's QR contextual tokens: one row per issued token (by its jti), so a token can be revoked
 * before it expires and a single-use token is accepted once.
 */
export class ContextualTokens1796004342380 implements MigrationInterface {
  name = 'ContextualTokens1796004342380';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE auth.contextual_tokens (
        jti uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        subject text NOT NULL,
        audience text NOT NULL,
        single_use boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz
      )`);
    await runner.query('CREATE INDEX contextual_tokens_expires ON auth.contextual_tokens (expires_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE auth.contextual_tokens');
  }
}
