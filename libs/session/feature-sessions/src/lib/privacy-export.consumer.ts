import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventConsumerHost, OutboxPublisher, publishExportSlice } from '@sigma/shared/data-access-events';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

/**
 * session-service's slice of a data subject export (ADR 18): the user's sessions with their
 * device, address and times, and the revocations logged for them (login and logout history).
 */
@Injectable()
export class PrivacyExportConsumer implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumerHost,
    private readonly publisher: OutboxPublisher,
  ) {}

  onModuleInit(): void {
    this.consumers.on('export.requested', async (event, manager) => {
      if (!event.data.services.includes('session-service')) return;
      if (event.tenant_id === null) throw new DomainError(ErrorKind.VALIDATION, 'export.requested without a tenant');
      const params = [event.tenant_id, event.data.user_id];
      await publishExportSlice(this.publisher, manager, event, 'session-service', {
        sessions: await manager.query(
          `SELECT id, client_id, client_name, device_type, device_name, browser, os, user_agent, ip_address, country, city, amr, remember_me,
                  created_at, last_activity_at, expires_at, revoked_at, revoked_reason
             FROM session.sessions WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`,
          params,
        ),
        revocations: await manager.query(
          `SELECT kind, session_id, reason, revoked_at FROM session.revocations WHERE tenant_id = $1 AND user_id = $2 ORDER BY seq`,
          params,
        ),
      });
    });
  }
}
