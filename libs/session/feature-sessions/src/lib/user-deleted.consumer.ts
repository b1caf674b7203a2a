import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EventConsumerHost, OutboxPublisher } from '@sigma/shared/data-access-events';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { SessionLifecycleService } from './session-lifecycle.service';

/**
 * A deleted user's sessions: revoked first (session.revoked for each, and the subject in the
 * revocation feed), then deleted with the consumer's processed-event record, in one transaction.
 * A redelivery is skipped by the consumer host; a second, different event finds nothing left.
 * When a privacy erasure caused the deletion, its `erasure.acknowledged` is published in the same
 * transaction (ADR 19).
 */
@Injectable()
export class UserDeletedConsumer implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumerHost,
    private readonly lifecycle: SessionLifecycleService,
    private readonly publisher: OutboxPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.consumers.on('user.deleted', async (event, manager) => {
      if (event.tenant_id === null) throw new DomainError(ErrorKind.VALIDATION, 'user.deleted without a tenant');
      const outcome = await this.lifecycle.purgeDeletedUser(manager, event.tenant_id, event.data.user_id);
      this.logger.info({ event_id: event.id, tenant_id: event.tenant_id, user_id: event.data.user_id, ...outcome }, 'sessions of a deleted user revoked and purged');
      const requestId = event.data.erasure_request_id;
      if (requestId === undefined) return;
      await this.publisher.publish(manager, {
        type: 'erasure.acknowledged',
        tenantId: event.tenant_id,
        subject: event.data.user_id,
        data: { request_id: requestId, user_id: event.data.user_id, service: 'session-service' },
      });
    });
  }
}
