import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * auth-server's first tables: per-tenant signing keys (private keys sealed with SecretBox), refresh
 * token families and their tokens (hashes only), and the pending second-factor step of a login.
 * Tenants and users live in the directory's schema; rows here name them by id only.
 */
export class CreateAuthSchema1764000000000 implements MigrationInterface {
  name = 'CreateAuthSchema1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE auth.signing_keys (
        kid text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        alg text NOT NULL CHECK (alg IN ('ES256', 'EdDSA')),
        public_jwk jsonb NOT NULL,
        private_key_sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz NOT NULL,
        retired_at timestamptz,
        publish_until timestamptz,
        CHECK ((retired_at IS NULL) = (publish_until IS NULL))
      )`);
    // One signing key per tenant at a time; replicas racing to create or rotate it cannot both win.
    await runner.query('CREATE UNIQUE INDEX signing_keys_one_active ON auth.signing_keys (tenant_id) WHERE retired_at IS NULL');
    await runner.query('CREATE INDEX signing_keys_tenant ON auth.signing_keys (tenant_id, activated_at DESC)');

    await runner.query(`
      CREATE TABLE auth.refresh_token_families (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        client_id text NOT NULL,
        scope text NOT NULL,
        auth_time timestamptz NOT NULL,
        amr text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await runner.query('CREATE INDEX refresh_token_families_user ON auth.refresh_token_families (tenant_id, user_id)');
    await runner.query(`
      CREATE TABLE auth.refresh_tokens (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES auth.refresh_token_families (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz
      )`);
    await runner.query('CREATE INDEX refresh_tokens_family ON auth.refresh_tokens (family_id)');
    await runner.query('CREATE INDEX refresh_tokens_expires ON auth.refresh_tokens (expires_at)');

    await runner.query(`
      CREATE TABLE auth.mfa_sessions (
        id_hash text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        client_id text NOT NULL,
        scope text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        failed_attempts integer NOT NULL DEFAULT 0,
        consumed_at timestamptz
      )`);
    await runner.query('CREATE INDEX mfa_sessions_expires ON auth.mfa_sessions (expires_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['mfa_sessions', 'refresh_tokens', 'refresh_token_families', 'signing_keys']) await runner.query(`DROP TABLE auth.${table}`);
  }
}
