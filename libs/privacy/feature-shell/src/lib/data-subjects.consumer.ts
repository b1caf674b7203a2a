import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSubjectRepository } from '@sigma/privacy/data-access';
import { EventEnvelope } from '@sigma/shared/contracts-events';
import { EventConsumerHost } from '@sigma/shared/data-access-events';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

function tenantOf(event: EventEnvelope): string {
  if (event.tenant_id === null) throw new DomainError(ErrorKind.VALIDATION, `${event.type} without a tenant`);
  return event.tenant_id;
}

/** Keeps the registry of data subjects in step with the directory's user events. */
@Injectable()
export class DataSubjectsConsumer implements OnModuleInit {
  constructor(private readonly consumers: EventConsumerHost) {}

  onModuleInit(): void {
    this.consumers.on('user.created', async (event, manager) => {
      await new DataSubjectRepository(manager).register({ userId: event.data.user_id, tenantId: tenantOf(event), at: event.occurred_at });
    });
    this.consumers.on('user.deleted', async (event, manager) => {
      await new DataSubjectRepository(manager).markErased({ userId: event.data.user_id, tenantId: tenantOf(event), at: event.occurred_at });
    });
  }
}
