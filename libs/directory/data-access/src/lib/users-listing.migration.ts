import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What user lists need to stay fast with a million users in one tenant (docs/benchmarks.md):
 *  - an exact per-tenant user count kept by statement-level triggers, so an unfiltered list
 *    answers its total without counting a million rows;
 *  - an index per sortable field within the tenant (created_at and last_name exist already;
 *    email and username are served by their unique indexes).
 */
export class DirectoryUserListing1764200000000 implements MigrationInterface {
  name = 'DirectoryUserListing1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE directory.tenant_user_counts (
        tenant_id uuid PRIMARY KEY REFERENCES directory.tenants (id) ON DELETE CASCADE,
        user_count bigint NOT NULL
      )`);
    await runner.query(`
      CREATE FUNCTION directory.count_inserted_users() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO directory.tenant_user_counts AS c (tenant_id, user_count)
          SELECT tenant_id, count(*) FROM inserted_users GROUP BY tenant_id
          ON CONFLICT (tenant_id) DO UPDATE SET user_count = c.user_count + EXCLUDED.user_count;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE FUNCTION directory.count_deleted_users() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE directory.tenant_user_counts c SET user_count = c.user_count - d.n
          FROM (SELECT tenant_id, count(*) AS n FROM deleted_users GROUP BY tenant_id) d
         WHERE c.tenant_id = d.tenant_id;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER users_counted_on_insert AFTER INSERT ON directory.users
        REFERENCING NEW TABLE AS inserted_users FOR EACH STATEMENT EXECUTE FUNCTION directory.count_inserted_users()`);
    await runner.query(`
      CREATE TRIGGER users_counted_on_delete AFTER DELETE ON directory.users
        REFERENCING OLD TABLE AS deleted_users FOR EACH STATEMENT EXECUTE FUNCTION directory.count_deleted_users()`);
    // Users never move between tenants.
    await runner.query(`
      CREATE FUNCTION directory.refuse_tenant_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a user never moves to another tenant';
      END $$`);
    await runner.query(`
      CREATE TRIGGER users_stay_in_tenant BEFORE UPDATE OF tenant_id ON directory.users
        FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) EXECUTE FUNCTION directory.refuse_tenant_change()`);
    await runner.query(`
      INSERT INTO directory.tenant_user_counts (tenant_id, user_count)
      SELECT t.id, (SELECT count(*) FROM directory.users u WHERE u.tenant_id = t.id) FROM directory.tenants t`);

    await runner.query('CREATE INDEX users_tenant_updated ON directory.users (tenant_id, updated_at, id)');
    await runner.query('CREATE INDEX users_tenant_first_name ON directory.users (tenant_id, lower(first_name), id)');
    // Never signed in sorts as the oldest sign-in.
    await runner.query("CREATE INDEX users_tenant_last_login ON directory.users (tenant_id, (coalesce(last_login, '-infinity'::timestamptz)), id)");
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const index of ['users_tenant_last_login', 'users_tenant_first_name', 'users_tenant_updated']) await runner.query(`DROP INDEX directory.${index}`);
    await runner.query('DROP TRIGGER users_stay_in_tenant ON directory.users');
    await runner.query('DROP TRIGGER users_counted_on_delete ON directory.users');
    await runner.query('DROP TRIGGER users_counted_on_insert ON directory.users');
    await runner.query('DROP FUNCTION directory.refuse_tenant_change()');
    await runner.query('DROP FUNCTION directory.count_deleted_users()');
    await runner.query('DROP FUNCTION directory.count_inserted_users()');
    await runner.query('DROP TABLE directory.tenant_user_counts');
  }
}
