import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search terms of one or two characters are too short for the trigram index; they match the start
 * of the email, first name or last name, through these prefix indexes (text_pattern_ops serves
 * `LIKE 'ab%'` under any database collation).
 */
export class DirectoryUserSearch1764300000000 implements MigrationInterface {
  name = 'DirectoryUserSearch1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE INDEX users_tenant_email_prefix ON directory.users (tenant_id, lower(email) text_pattern_ops)');
    await runner.query('CREATE INDEX users_tenant_first_name_prefix ON directory.users (tenant_id, lower(first_name) text_pattern_ops)');
    await runner.query('CREATE INDEX users_tenant_last_name_prefix ON directory.users (tenant_id, lower(last_name) text_pattern_ops)');
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const index of ['users_tenant_last_name_prefix', 'users_tenant_first_name_prefix', 'users_tenant_email_prefix']) await runner.query(`DROP INDEX directory.${index}`);
  }
}
