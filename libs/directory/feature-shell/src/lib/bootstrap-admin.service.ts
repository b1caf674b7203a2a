import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DEFAULT_TENANT_SLUG, DirectoryBootstrapRepository } from '@sigma/directory/data-access';
import { OutboxPublisher } from '@sigma/shared/data-access-events';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { hash } from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BootstrapSettings } from './bootstrap.settings';

export const BOOTSTRAP_SETTINGS = 'SIGMA_BOOTSTRAP_SETTINGS';

/**
 * On the first start: the `default` tenant, its system roles, and the super-administrator from
 * IAM_BOOTSTRAP_ADMIN_EMAIL / IAM_BOOTSTRAP_ADMIN_PASSWORD (a random password printed once when
 * unset), all in one transaction. Later starts find the tenant and change nothing.
 */
@Injectable()
export class BootstrapAdminService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    @Inject(BOOTSTRAP_SETTINGS) private readonly settings: BootstrapSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const generated = this.settings.IAM_BOOTSTRAP_ADMIN_PASSWORD === undefined;
    const password = this.settings.IAM_BOOTSTRAP_ADMIN_PASSWORD ?? randomBytes(18).toString('base64url');
    const email = this.settings.IAM_BOOTSTRAP_ADMIN_EMAIL.toLowerCase();
    const created = await this.dataSource.transaction(async (manager) => {
      const repository = new DirectoryBootstrapRepository(manager);
      await repository.lock();
      // The default tenant is created in this same transaction: when it exists, bootstrap is done,
      // and an administrator removed since then stays removed.
      if (await repository.hasDefaultTenant()) return undefined;
      const tenantId = await repository.createDefaultTenant();
      const roles = await repository.ensureSystemRoles(tenantId);
      const superAdminRole = roles.get('super-admin');
      if (!superAdminRole) throw new Error('system role super-admin is missing');
      const passwordHash = await hash(password, this.settings.BCRYPT_COST);
      const userId = await repository.createUserWithPassword({ tenantId, email, passwordHash, roleIds: [superAdminRole] });
      await this.publisher.publish(manager, { type: 'user.created', tenantId, subject: userId, data: { user_id: userId } });
      return { userId, tenantId };
    });
    if (!created) return;
    this.logger.info({ user_id: created.userId, tenant_id: created.tenantId }, 'created the bootstrap super-admin');
    if (generated) {
      process.stdout.write(
        [
          '',
          '  Sigma IAM: bootstrap super-admin created (this password is shown only once)',
          `    tenant:   ${DEFAULT_TENANT_SLUG} (${created.tenantId})`,
          `    email:    ${email}`,
          `    password: ${password}`,
          '',
          '',
        ].join('\n'),
      );
    }
  }
}
