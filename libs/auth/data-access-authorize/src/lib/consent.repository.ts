import { EntityManager } from 'typeorm';

/** Remembered consents: the scopes a user allowed a client, per tenant. */
export class ConsentRepository {
  constructor(private readonly manager: EntityManager) {}

  async scopesOf(tenantId: string, userId: string, clientId: string): Promise<string[]> {
    const rows: Array<{ scopes: string[] }> = await this.manager.query('SELECT scopes FROM auth.consents WHERE tenant_id = $1 AND user_id = $2 AND client_id = $3', [
      tenantId,
      userId,
      clientId,
    ]);
    return rows[0]?.scopes ?? [];
  }

  /** Remembers the scopes (added to those remembered before). */
  async remember(tenantId: string, userId: string, clientId: string, scopes: string[], now: Date): Promise<void> {
    await this.manager.query(
      `INSERT INTO auth.consents (tenant_id, user_id, client_id, scopes, granted_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, user_id, client_id)
       DO UPDATE SET scopes = ARRAY(SELECT DISTINCT unnest(auth.consents.scopes || EXCLUDED.scopes) ORDER BY 1), granted_at = EXCLUDED.granted_at`,
      [tenantId, userId, clientId, scopes, now],
    );
  }
}
