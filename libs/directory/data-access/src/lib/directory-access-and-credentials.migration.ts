import { MigrationInterface, QueryRunner } from 'typeorm';
import { ADMIN_PERMISSIONS } from './directory-bootstrap.repository';

/**
 * Everything issue 3 adds to the directory: tenant configuration and API keys, account lockout,
 * role presentation (color, icon, level), groups and memberships, TOTP secrets (encrypted),
 * recovery codes (hashed), WebAuthn credentials, and the indexes that keep listing and search fast
 * with a million users in one tenant.
 */
export class DirectoryAccessAndCredentials1763900000000 implements MigrationInterface {
  name = 'DirectoryAccessAndCredentials1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public');
    await runner.query(`
      ALTER TABLE directory.tenants
        ADD COLUMN ip_allow_list text[] NOT NULL DEFAULT '{}',
        ADD COLUMN redirect_domains text[] NOT NULL DEFAULT '{}',
        ADD COLUMN rate_limit_per_minute integer,
        ADD COLUMN rate_limit_burst integer,
        ADD COLUMN access_token_ttl integer NOT NULL DEFAULT 900,
        ADD COLUMN refresh_token_ttl integer NOT NULL DEFAULT 2592000,
        ADD COLUMN id_token_ttl integer NOT NULL DEFAULT 900`);
    await runner.query('CREATE UNIQUE INDEX tenants_domain ON directory.tenants (lower(domain)) WHERE domain IS NOT NULL');
    await runner.query(`
      CREATE TABLE directory.tenant_api_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES directory.tenants (id) ON DELETE CASCADE,
        name text,
        key_hash text NOT NULL,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await runner.query('CREATE INDEX tenant_api_keys_tenant ON directory.tenant_api_keys (tenant_id, created_at)');

    await runner.query(`
      ALTER TABLE directory.users
        ADD COLUMN failed_login_count integer NOT NULL DEFAULT 0,
        ADD COLUMN locked_until timestamptz`);
    // Listing and sorting within a tenant, and substring search over email and names.
    await runner.query('CREATE INDEX users_tenant_created ON directory.users (tenant_id, created_at, id)');
    await runner.query('CREATE INDEX users_tenant_last_name ON directory.users (tenant_id, lower(last_name), id)');
    await runner.query(
      `CREATE INDEX users_search_trgm ON directory.users USING gin ((lower(email || ' ' || coalesce(first_name, '') || ' ' || coalesce(last_name, ''))) public.gin_trgm_ops)`,
    );

    await runner.query(`
      ALTER TABLE directory.roles
        ADD COLUMN color text,
        ADD COLUMN icon text,
        ADD COLUMN level integer NOT NULL DEFAULT 10`);
    await runner.query(`UPDATE directory.roles SET level = CASE slug WHEN 'super-admin' THEN 100 WHEN 'admin' THEN 80 ELSE 10 END,
      color = CASE slug WHEN 'super-admin' THEN '#dc2626' WHEN 'admin' THEN '#3b82f6' ELSE '#64748b' END,
      icon = CASE slug WHEN 'super-admin' THEN 'crown' WHEN 'admin' THEN 'shield' ELSE 'user' END
      WHERE is_system`);
    await runner.query(`UPDATE directory.roles SET permissions = $1 WHERE slug = 'admin' AND is_system`, [ADMIN_PERMISSIONS]);
    await runner.query('CREATE INDEX user_roles_role ON directory.user_roles (role_id)');

    await runner.query(`
      CREATE TABLE directory.groups (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES directory.tenants (id) ON DELETE CASCADE,
        name text NOT NULL,
        slug text NOT NULL,
        description text,
        permissions text[] NOT NULL DEFAULT '{}',
        is_system boolean NOT NULL DEFAULT false,
        is_default boolean NOT NULL DEFAULT false,
        color text,
        icon text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, slug)
      )`);
    await runner.query(`
      CREATE TABLE directory.user_groups (
        user_id uuid NOT NULL REFERENCES directory.users (id) ON DELETE CASCADE,
        group_id uuid NOT NULL REFERENCES directory.groups (id) ON DELETE CASCADE,
        PRIMARY KEY (user_id, group_id)
      )`);
    await runner.query('CREATE INDEX user_groups_group ON directory.user_groups (group_id)');

    await runner.query(`
      CREATE TABLE directory.totp_credentials (
        user_id uuid PRIMARY KEY REFERENCES directory.users (id) ON DELETE CASCADE,
        secret_sealed text NOT NULL,
        last_used_step bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE directory.recovery_codes (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES directory.users (id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        used_at timestamptz
      )`);
    await runner.query('CREATE INDEX recovery_codes_user ON directory.recovery_codes (user_id)');
    await runner.query(`
      CREATE TABLE directory.webauthn_credentials (
        id text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES directory.users (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES directory.tenants (id) ON DELETE CASCADE,
        public_key bytea NOT NULL,
        counter bigint NOT NULL DEFAULT 0,
        transports text[] NOT NULL DEFAULT '{}',
        device_type text,
        backed_up boolean NOT NULL DEFAULT false,
        name text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      )`);
    await runner.query('CREATE INDEX webauthn_credentials_user ON directory.webauthn_credentials (user_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['webauthn_credentials', 'recovery_codes', 'totp_credentials', 'user_groups', 'groups', 'tenant_api_keys']) {
      await runner.query(`DROP TABLE directory.${table}`);
    }
    await runner.query('DROP INDEX directory.user_roles_role');
    await runner.query('ALTER TABLE directory.roles DROP COLUMN color, DROP COLUMN icon, DROP COLUMN level');
    for (const index of ['users_search_trgm', 'users_tenant_last_name', 'users_tenant_created', 'tenants_domain']) await runner.query(`DROP INDEX directory.${index}`);
    await runner.query('ALTER TABLE directory.users DROP COLUMN failed_login_count, DROP COLUMN locked_until');
    await runner.query(`ALTER TABLE directory.tenants DROP COLUMN ip_allow_list, DROP COLUMN redirect_domains, DROP COLUMN rate_limit_per_minute,
      DROP COLUMN rate_limit_burst, DROP COLUMN access_token_ttl, DROP COLUMN refresh_token_ttl, DROP COLUMN id_token_ttl`);
  }
}
