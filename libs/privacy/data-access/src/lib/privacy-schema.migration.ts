import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The data subjects the worker knows of, projected from user events: ids and times only. Export
 * and erasure requests are checked against it without reading the directory's schema.
 */
export class CreatePrivacySchema1763800002000 implements MigrationInterface {
  name = 'CreatePrivacySchema1763800002000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE privacy.data_subjects (
        user_id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        registered_at timestamptz NOT NULL,
        erased_at timestamptz
      )`);
    await runner.query('CREATE INDEX data_subjects_tenant ON privacy.data_subjects (tenant_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE privacy.data_subjects');
  }
}
