import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { SubjectDataQuery, UsersRepository } from '@sigma/directory/data-access';
import { EventEnvelope } from '@sigma/shared/contracts-events';
import { EventConsumerHost, OutboxPublisher, publishExportSlice } from '@sigma/shared/data-access-events';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

function tenantOf(event: EventEnvelope): string {
  if (event.tenant_id === null) throw new DomainError(ErrorKind.VALIDATION, `${event.type} without a tenant`);
  return event.tenant_id;
}

/**
 * The directory's part in privacy requests: its slice of an export, and the erasure itself (the
 * user with credentials, memberships and second factors), announced as `user.deleted` with the
 * request id and acknowledged, all in one transaction. A user already gone (deleted by an
 * administrator meanwhile, or a redelivery) is acknowledged just the same.
 */
@Injectable()
export class DirectoryPrivacyConsumer implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumerHost,
    private readonly publisher: OutboxPublisher,
  ) {}

  onModuleInit(): void {
    this.consumers.on('export.requested', async (event, manager) => {
      if (!event.data.services.includes('user-directory')) return;
      await publishExportSlice(this.publisher, manager, event, 'user-directory', await new SubjectDataQuery(manager).of(tenantOf(event), event.data.user_id));
    });
    this.consumers.on('erasure.requested', async (event, manager) => {
      const tenantId = tenantOf(event);
      const { user_id: userId, request_id: requestId } = event.data;
      const users = new UsersRepository(manager);
      if (await users.findById(tenantId, userId, { lock: true })) await users.delete(tenantId, userId);
      await this.publisher.publish(manager, { type: 'user.deleted', tenantId, subject: userId, data: { user_id: userId, erasure_request_id: requestId } });
      await this.publisher.publish(manager, { type: 'erasure.acknowledged', tenantId, subject: userId, data: { request_id: requestId, user_id: userId, service: 'user-directory' } });
    });
  }
}

@Module({ providers: [DirectoryPrivacyConsumer] })
export class DirectoryPrivacyModule {}
