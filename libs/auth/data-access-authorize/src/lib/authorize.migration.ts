import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The browser side of the authorization server: pushed authorization requests (RFC 9126), pending
 * authorizations (the login and consent pages' state, seed 004's login_challenge), browser sessions,
 * remembered consents, authorization codes and device authorizations (RFC 8628). Every secret a
 * browser or client holds (request_uri, handle, cookie, code, device_code) is stored as its SHA-256.
 */
export class CreateAuthorizeTables1796004417079 implements MigrationInterface {
  name = 'CreateAuthorizeTables1796004417079';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE auth.pushed_authorization_requests (
        request_uri_hash text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id text NOT NULL,
        params jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await runner.query('CREATE INDEX pushed_authorization_requests_expires ON auth.pushed_authorization_requests (expires_at)');

    await runner.query(`
      CREATE TABLE auth.pending_authorizations (
        handle_hash text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('code', 'device')),
        request jsonb NOT NULL,
        mfa_user_id uuid,
        failed_attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        completed_at timestamptz
      )`);
    await runner.query('CREATE INDEX pending_authorizations_expires ON auth.pending_authorizations (expires_at)');

    await runner.query(`
      CREATE TABLE auth.browser_sessions (
        id uuid PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        auth_time timestamptz NOT NULL,
        amr text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz
      )`);
    await runner.query('CREATE INDEX browser_sessions_user ON auth.browser_sessions (tenant_id, user_id)');
    await runner.query('CREATE INDEX browser_sessions_expires ON auth.browser_sessions (expires_at)');
    await runner.query(`
      CREATE TABLE auth.browser_session_logins (
        browser_session_id uuid NOT NULL REFERENCES auth.browser_sessions (id) ON DELETE CASCADE,
        session_id uuid NOT NULL,
        PRIMARY KEY (browser_session_id, session_id)
      )`);

    await runner.query(`
      CREATE TABLE auth.consents (
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        client_id text NOT NULL,
        scopes text[] NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, user_id, client_id)
      )`);

    await runner.query(`
      CREATE TABLE auth.authorization_codes (
        code_hash text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id text NOT NULL,
        user_id uuid NOT NULL,
        redirect_uri text NOT NULL,
        scope text NOT NULL,
        nonce text,
        code_challenge text,
        code_challenge_method text CHECK (code_challenge_method IN ('S256', 'plain')),
        dpop_jkt text,
        auth_time timestamptz NOT NULL,
        amr text[] NOT NULL,
        browser_session_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz,
        session_id uuid
      )`);
    await runner.query('CREATE INDEX authorization_codes_expires ON auth.authorization_codes (expires_at)');

    await runner.query(`
      CREATE TABLE auth.device_authorizations (
        device_code_hash text PRIMARY KEY,
        user_code text NOT NULL UNIQUE,
        tenant_id uuid NOT NULL,
        client_id text NOT NULL,
        scope text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
        user_id uuid,
        auth_time timestamptz,
        amr text[],
        browser_session_id uuid,
        interval_seconds integer NOT NULL,
        last_polled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CHECK ((status IN ('approved', 'consumed')) = (user_id IS NOT NULL))
      )`);
    await runner.query('CREATE INDEX device_authorizations_expires ON auth.device_authorizations (expires_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['device_authorizations', 'authorization_codes', 'consents', 'browser_session_logins', 'browser_sessions', 'pending_authorizations', 'pushed_authorization_requests']) {
      await runner.query(`DROP TABLE auth.${table}`);
    }
  }
}
