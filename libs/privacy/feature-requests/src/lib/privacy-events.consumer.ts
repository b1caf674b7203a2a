import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSubjectRepository, ErasureRequestsRepository, ExportJobsRepository, VerificationCodesRepository } from '@sigma/privacy/data-access';
import { EventEnvelope } from '@sigma/shared/contracts-events';
import { EventConsumerHost, OutboxPublisher, publishExportSlice } from '@sigma/shared/data-access-events';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { subjectHashOf } from './erasure.service';
import { ExportService } from './export.service';

function tenantOf(event: EventEnvelope): string {
  if (event.tenant_id === null) throw new DomainError(ErrorKind.VALIDATION, `${event.type} without a tenant`);
  return event.tenant_id;
}

/**
 * The worker's side of the choreography: the registry of data subjects, its own export slice and
 * erasure, the export parts and erasure acknowledgements of every service.
 */
@Injectable()
export class PrivacyEventsConsumer implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumerHost,
    private readonly publisher: OutboxPublisher,
    private readonly exports: ExportService,
  ) {}

  onModuleInit(): void {
    this.consumers.on('user.created', async (event, manager) => {
      await new DataSubjectRepository(manager).register({ userId: event.data.user_id, tenantId: tenantOf(event), at: event.occurred_at });
    });
    this.consumers.on('user.deleted', async (event, manager) => {
      const userId = event.data.user_id;
      await new DataSubjectRepository(manager).markErased({ userId, tenantId: tenantOf(event), at: event.occurred_at });
      await new ExportJobsRepository(manager).deleteForUser(userId);
      await new VerificationCodesRepository(manager).delete(userId);
      if (event.data.erasure_request_id !== undefined) {
        await new ErasureRequestsRepository(manager).acknowledge(event.data.erasure_request_id, 'privacy-worker', new Date().toISOString());
      }
    });
    this.consumers.on('erasure.acknowledged', async (event, manager) => {
      await new ErasureRequestsRepository(manager).acknowledge(event.data.request_id, event.data.service, event.occurred_at);
    });
    this.consumers.on('export.requested', async (event, manager) => {
      if (!event.data.services.includes('privacy-worker')) return;
      const tenantId = tenantOf(event);
      const userId = event.data.user_id;
      await publishExportSlice(this.publisher, manager, event, 'privacy-worker', {
        export_requests: await new ExportJobsRepository(manager).historyOf(tenantId, userId),
        erasure_requests: await new ErasureRequestsRepository(manager).receiptsOf(subjectHashOf(tenantId, userId)),
        erasure_verification_codes: await new VerificationCodesRepository(manager).sentAt(userId),
      });
    });
    this.consumers.on('export.part', (event, manager) => this.exports.receivePart(event, manager));
  }
}
