import { EntityManager } from 'typeorm';
import { updatedRows } from './affected-rows';
import type { AuthorizationRequest } from './authorization-request';

/** Pushed authorization requests (RFC 9126): stored under the hash of their request_uri, single use. */
export class PushedRequestRepository {
  constructor(private readonly manager: EntityManager) {}

  async insert(row: { requestUriHash: string; tenantId: string; clientId: string; request: AuthorizationRequest; createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.manager.query(
      'INSERT INTO auth.pushed_authorization_requests (request_uri_hash, tenant_id, client_id, params, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [row.requestUriHash, row.tenantId, row.clientId, JSON.stringify(row.request), row.createdAt, row.expiresAt],
    );
  }

  /** Uses the request up: its parameters when it was unused, unexpired and the client's; else undefined. */
  async consume(requestUriHash: string, clientId: string, now: Date): Promise<{ tenantId: string; request: AuthorizationRequest } | undefined> {
    const rows = await updatedRows<{ tenant_id: string; params: AuthorizationRequest }>(
      this.manager,
      `UPDATE auth.pushed_authorization_requests SET used_at = $3
       WHERE request_uri_hash = $1 AND client_id = $2 AND used_at IS NULL AND expires_at > $3
       RETURNING tenant_id, params`,
      [requestUriHash, clientId, now],
    );
    const row = rows[0];
    return row ? { tenantId: row.tenant_id, request: row.params } : undefined;
  }
}
