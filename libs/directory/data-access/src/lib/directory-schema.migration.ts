import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, users, password credentials and roles: what the directory needs from its first start. */
export class CreateDirectorySchema1763800001000 implements MigrationInterface {
  name = 'CreateDirectorySchema1763800001000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE directory.tenants (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        slug text NOT NULL UNIQUE,
        domain text,
        status text NOT NULL DEFAULT 'active',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE directory.users (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES directory.tenants (id) ON DELETE CASCADE,
        email text NOT NULL,
        username text NOT NULL,
        first_name text,
        last_name text,
        email_verified boolean NOT NULL DEFAULT false,
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_login timestamptz
      )`);
    await runner.query('CREATE UNIQUE INDEX users_tenant_email ON directory.users (tenant_id, lower(email))');
    await runner.query('CREATE UNIQUE INDEX users_tenant_username ON directory.users (tenant_id, lower(username))');
    await runner.query(`
      CREATE TABLE directory.password_credentials (
        user_id uuid PRIMARY KEY REFERENCES directory.users (id) ON DELETE CASCADE,
        hash text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE directory.roles (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES directory.tenants (id) ON DELETE CASCADE,
        name text NOT NULL,
        slug text NOT NULL,
        description text,
        permissions text[] NOT NULL DEFAULT '{}',
        is_system boolean NOT NULL DEFAULT false,
        is_default boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, slug)
      )`);
    await runner.query(`
      CREATE TABLE directory.user_roles (
        user_id uuid NOT NULL REFERENCES directory.users (id) ON DELETE CASCADE,
        role_id uuid NOT NULL REFERENCES directory.roles (id) ON DELETE CASCADE,
        PRIMARY KEY (user_id, role_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['user_roles', 'roles', 'password_credentials', 'users', 'tenants']) {
      await runner.query(`DROP TABLE directory.${table}`);
    }
  }
}
