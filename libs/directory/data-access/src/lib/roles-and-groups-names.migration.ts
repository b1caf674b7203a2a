import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Role and group names are unique per tenant, case-insensitively: users, tokens and `{role: "name"}`
 * assignment name roles by name, so two roles called "Editor" would be ambiguous.
 */
export class RoleAndGroupNames1764100000000 implements MigrationInterface {
  name = 'RoleAndGroupNames1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE UNIQUE INDEX roles_tenant_name ON directory.roles (tenant_id, lower(name))');
    await runner.query('CREATE UNIQUE INDEX groups_tenant_name ON directory.groups (tenant_id, lower(name))');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX directory.groups_tenant_name');
    await runner.query('DROP INDEX directory.roles_tenant_name');
  }
}
