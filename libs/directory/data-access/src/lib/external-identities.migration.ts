import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identities at upstream providers (social login, SSO) linked to users (ADR 23). An identity is its
 * subject within its issuer's namespace (the OpenID issuer, or an OAuth 2.0 provider's user-info
 * URL), unique per tenant; it goes with its user (FK cascade), so erasure needs nothing more.
 */
export class DirectoryExternalIdentities1796004205637 implements MigrationInterface {
  name = 'DirectoryExternalIdentities1796004205637';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE directory.external_identities (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES directory.tenants (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES directory.users (id) ON DELETE CASCADE,
        issuer text NOT NULL,
        subject text NOT NULL,
        provider text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz,
        CONSTRAINT external_identities_subject UNIQUE (tenant_id, issuer, subject)
      )`);
    await runner.query('CREATE INDEX external_identities_user ON directory.external_identities (user_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE directory.external_identities');
  }
}
