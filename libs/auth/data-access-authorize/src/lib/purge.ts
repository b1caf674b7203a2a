import { EntityManager } from 'typeorm';
import { changeRows } from './affected-rows';

const TABLES = ['pushed_authorization_requests', 'pending_authorizations', 'authorization_codes', 'device_authorizations', 'browser_sessions'] as const;

/** Deletes the authorization state that expired before `before` (idempotent); answers the rows deleted per table. */
export async function purgeExpiredAuthorizeState(manager: EntityManager, before: Date): Promise<Record<(typeof TABLES)[number], number>> {
  const counts = {} as Record<(typeof TABLES)[number], number>;
  for (const table of TABLES) counts[table] = await changeRows(manager, `DELETE FROM auth.${table} WHERE expires_at < $1`, [before]);
  return counts;
}
