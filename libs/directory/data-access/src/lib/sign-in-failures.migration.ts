import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in failure counts move off `directory.users` into a table of their own, keyed by a subject:
 * a user id for an identifier that names an account, a digest of tenant and identifier for one
 * that names none. A failed sign-in then writes the same row kind with the same statement whether
 * the account exists or not, so neither the work done nor the lockout tells them apart (ADR 30).
 */
export class DirectorySignInFailures1796015109279 implements MigrationInterface {
  name = 'DirectorySignInFailures1796015109279';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE directory.sign_in_failures (
        subject text PRIMARY KEY,
        failure_count integer NOT NULL,
        last_failure_at timestamptz NOT NULL,
        locked_until timestamptz
      )`);
    await runner.query('CREATE INDEX sign_in_failures_last_failure ON directory.sign_in_failures (last_failure_at)');
    await runner.query(`
      INSERT INTO directory.sign_in_failures (subject, failure_count, last_failure_at, locked_until)
      SELECT id::text, failed_login_count, now(), locked_until FROM directory.users WHERE failed_login_count > 0 OR locked_until IS NOT NULL`);
    await runner.query('ALTER TABLE directory.users DROP COLUMN failed_login_count, DROP COLUMN locked_until');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE directory.users
        ADD COLUMN failed_login_count integer NOT NULL DEFAULT 0,
        ADD COLUMN locked_until timestamptz`);
    await runner.query(`
      UPDATE directory.users u SET failed_login_count = f.failure_count, locked_until = f.locked_until
        FROM directory.sign_in_failures f WHERE f.subject = u.id::text`);
    await runner.query('DROP TABLE directory.sign_in_failures');
  }
}
