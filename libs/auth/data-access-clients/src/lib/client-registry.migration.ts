import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The OAuth client registry (issue 4, "Clients"): one row per client (the seeds' applications) with
 * its redirect URIs, grants, scopes, origins, lifetimes, authentication method and protocol
 * switches, seed 002's settings and branding; and the per-client sign-in ledger the statistics
 * are counted from. Secrets are stored as SHA-256 hashes only (they are random, 256 bits).
 */
export class CreateClientRegistry1764000100000 implements MigrationInterface {
  name = 'CreateClientRegistry1764000100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE auth.clients (
        id uuid PRIMARY KEY,
        -- Registration order: listings are stable even when two clients share a timestamp.
        seq bigint GENERATED ALWAYS AS IDENTITY,
        tenant_id uuid NOT NULL,
        client_id text NOT NULL UNIQUE,
        name text NOT NULL,
        slug text NOT NULL,
        description text,
        client_type text NOT NULL CHECK (client_type IN ('confidential', 'public')),
        app_type text NOT NULL CHECK (app_type IN ('web', 'mobile', 'desktop')),
        status text NOT NULL CHECK (status IN ('active', 'inactive', 'pending')),
        url text,
        redirect_uris text[] NOT NULL DEFAULT '{}',
        post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
        allowed_grant_types text[] NOT NULL DEFAULT '{}',
        allowed_scopes text[] NOT NULL DEFAULT '{}',
        allowed_origins text[] NOT NULL DEFAULT '{}',
        access_token_ttl integer,
        refresh_token_ttl integer,
        id_token_ttl integer,
        token_endpoint_auth_method text NOT NULL
          CHECK (token_endpoint_auth_method IN ('client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none')),
        secret_hash text,
        jwks jsonb,
        jwks_uri text,
        require_pkce boolean NOT NULL DEFAULT true,
        allow_plain_pkce boolean NOT NULL DEFAULT false,
        dpop_bound boolean NOT NULL DEFAULT false,
        require_par boolean NOT NULL DEFAULT false,
        fapi2 boolean NOT NULL DEFAULT false,
        allow_implicit boolean NOT NULL DEFAULT false,
        first_party boolean NOT NULL DEFAULT false,
        settings jsonb NOT NULL DEFAULT '{}',
        branding jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, slug),
        CHECK (client_type = 'confidential' OR (token_endpoint_auth_method = 'none' AND secret_hash IS NULL AND require_pkce)),
        CHECK (NOT (fapi2 AND (allow_plain_pkce OR allow_implicit OR NOT require_pkce OR NOT require_par OR NOT dpop_bound OR token_endpoint_auth_method <> 'private_key_jwt'))),
        CHECK ((secret_hash IS NOT NULL) = (token_endpoint_auth_method IN ('client_secret_basic', 'client_secret_post'))),
        CHECK (token_endpoint_auth_method <> 'private_key_jwt' OR (jwks IS NULL) <> (jwks_uri IS NULL))
      )`);
    await runner.query('CREATE INDEX clients_tenant_seq ON auth.clients (tenant_id, seq)');

    // One row per completed sign-in of a user at a client. Keyed by the public client_id (the
    // built-in first-party client has no registry row), always within its tenant.
    await runner.query(`
      CREATE TABLE auth.client_sign_ins (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id text NOT NULL,
        user_id uuid NOT NULL,
        signed_in_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX client_sign_ins_client_at ON auth.client_sign_ins (tenant_id, client_id, signed_in_at)');
    await runner.query('CREATE INDEX client_sign_ins_client_user ON auth.client_sign_ins (tenant_id, client_id, user_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE auth.client_sign_ins');
    await runner.query('DROP TABLE auth.clients');
  }
}
