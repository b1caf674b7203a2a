import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * State of the OAuth protocol endpoints: identifiers of one-time JWTs already seen (DPoP proof and
 * client assertion jti replay protection, kept until the JWT could no longer be accepted), the jti
 * deny-list of revoked access tokens (kept until they expire), and the DPoP key a refresh-token
 * family is bound to (RFC 9449 §5: public clients' refresh tokens).
 */
export class OAuthProtocolState1796004126464 implements MigrationInterface {
  name = 'OAuthProtocolState1796004126464';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE auth.seen_jtis (
        namespace text NOT NULL,
        jti_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (namespace, jti_hash)
      )`);
    await runner.query('CREATE INDEX seen_jtis_expires ON auth.seen_jtis (expires_at)');
    await runner.query(`
      CREATE TABLE auth.revoked_access_tokens (
        jti text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await runner.query('CREATE INDEX revoked_access_tokens_expires ON auth.revoked_access_tokens (expires_at)');
    await runner.query('ALTER TABLE auth.refresh_token_families ADD COLUMN dpop_jkt text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE auth.refresh_token_families DROP COLUMN dpop_jkt');
    await runner.query('DROP TABLE auth.revoked_access_tokens');
    await runner.query('DROP TABLE auth.seen_jtis');
  }
}
