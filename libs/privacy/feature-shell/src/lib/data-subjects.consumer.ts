import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSubjectRepository } from '@sigma/privacy/data-access';
import { EventConsumerHost } from '@sigma/shared/data-access-events';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

/** Keeps the registry of data subjects in step with the directory's user events. */
@Injectable()
export class DataSubjectsConsumer implements OnModuleInit {
  constructor(private readonly consumers: EventConsumerHost) {}

  onModuleInit(): void {
    this.consumers.on('user.created', async (event, manager) => {
      if (event.tenant_id === null) throw new DomainError(ErrorKind.VALIDATION, 'user.created without a tenant');
      await new DataSubjectRepository(manager).register({ userId: event.data.user_id, tenantId: event.tenant_id, at: event.occurred_at });
    });
    this.consumers.on('user.deleted', async (event, manager) => {
      await new DataSubjectRepository(manager).markErased(event.data.user_id, event.occurred_at);
    });
  }
}
