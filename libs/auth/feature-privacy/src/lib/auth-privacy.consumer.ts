import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { SubjectDataRepository } from '@sigma/auth/data-access';
import { EventEnvelope } from '@sigma/shared/contracts-events';
import { EventConsumerHost, OutboxPublisher, publishExportSlice } from '@sigma/shared/data-access-events';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

function tenantOf(event: EventEnvelope): string {
  if (event.tenant_id === null) throw new DomainError(ErrorKind.VALIDATION, `${event.type} without a tenant`);
  return event.tenant_id;
}

/**
 * auth-server's part in privacy requests: its slice of an export (applications used, refresh-token
 * families and tokens issued, MFA challenges: metadata only), and on `user.deleted` the deletion
 * of all of it, acknowledged when an erasure request caused the deletion.
 */
@Injectable()
export class AuthPrivacyConsumer implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumerHost,
    private readonly publisher: OutboxPublisher,
  ) {}

  onModuleInit(): void {
    this.consumers.on('export.requested', async (event, manager) => {
      if (!event.data.services.includes('auth-server')) return;
      await publishExportSlice(this.publisher, manager, event, 'auth-server', await new SubjectDataRepository(manager).exportOf(tenantOf(event), event.data.user_id));
    });
    this.consumers.on('user.deleted', async (event, manager) => {
      const tenantId = tenantOf(event);
      const { user_id: userId, erasure_request_id: requestId } = event.data;
      await new SubjectDataRepository(manager).erase(tenantId, userId);
      if (requestId === undefined) return;
      await this.publisher.publish(manager, { type: 'erasure.acknowledged', tenantId, subject: userId, data: { request_id: requestId, user_id: userId, service: 'auth-server' } });
    });
  }
}

@Module({ providers: [AuthPrivacyConsumer] })
export class AuthPrivacyModule {}
