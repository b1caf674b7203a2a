import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Upstream identity providers per tenant (seed 002's SSO providers) and the short-lived state of
 * sign-ins through them (ADR 23): the pending upstream authorization (state, PKCE verifier, nonce)
 * and the one-time codes a finished social sign-in hands to the application. Client secrets are
 * sealed with SecretBox; states and codes are stored as SHA-256 hashes only.
 */
export class CreateFederation1796004300000 implements MigrationInterface {
  name = 'CreateFederation1796004300000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE auth.sso_providers (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        key text NOT NULL,
        name text NOT NULL,
        display_name text NOT NULL,
        type text NOT NULL CHECK (type IN ('oauth2', 'oidc')),
        preset text,
        enabled boolean NOT NULL,
        client_id text NOT NULL,
        client_secret_sealed text,
        scopes text[] NOT NULL,
        endpoints jsonb NOT NULL,
        token_endpoint_auth_method text NOT NULL CHECK (token_endpoint_auth_method IN ('client_secret_basic', 'client_secret_post', 'none')),
        claims jsonb NOT NULL,
        icon text,
        color text,
        allow_signup boolean NOT NULL,
        require_email_verified boolean NOT NULL,
        auto_link_by_email boolean NOT NULL,
        total_logins bigint NOT NULL DEFAULT 0,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT sso_providers_key UNIQUE (tenant_id, key),
        CHECK (token_endpoint_auth_method = 'none' OR client_secret_sealed IS NOT NULL)
      )`);
    await runner.query(`
      CREATE TABLE auth.sso_login_states (
        state_hash text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        provider_id uuid NOT NULL REFERENCES auth.sso_providers (id) ON DELETE CASCADE,
        flow text NOT NULL CHECK (flow IN ('redirect', 'sso')),
        client_id text NOT NULL,
        redirect_uri text NOT NULL,
        app_redirect_uri text,
        app_state text,
        app_code_challenge text,
        code_verifier_sealed text NOT NULL,
        nonce text,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await runner.query('CREATE INDEX sso_login_states_expiry ON auth.sso_login_states (expires_at)');
    await runner.query(`
      CREATE TABLE auth.sso_login_codes (
        code_hash text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id text NOT NULL,
        redirect_uri text NOT NULL,
        user_id uuid NOT NULL,
        provider_key text NOT NULL,
        code_challenge text,
        amr text[] NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await runner.query('CREATE INDEX sso_login_codes_expiry ON auth.sso_login_codes (expires_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE auth.sso_login_codes');
    await runner.query('DROP TABLE auth.sso_login_states');
    await runner.query('DROP TABLE auth.sso_providers');
  }
}
