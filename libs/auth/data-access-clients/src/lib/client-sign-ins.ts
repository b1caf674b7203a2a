import { EntityManager } from 'typeorm';

/** A completed sign-in of a user at a client, for the client's statistics. */
export interface ClientSignIn {
  tenantId: string;
  /** The public client_id (the built-in first-party client counts too). */
  clientId: string;
  userId: string;
}

/**
 * Adds one sign-in to the ledger the statistics are counted from. Call it from the login path once
 * a sign-in is complete (after any second factor), with the manager of the login's transaction
 * when there is one, so a rolled-back login counts nothing.
 */
export async function recordSignIn(manager: EntityManager, signIn: ClientSignIn): Promise<void> {
  await manager.query('INSERT INTO auth.client_sign_ins (tenant_id, client_id, user_id) VALUES ($1, $2, $3)', [signIn.tenantId, signIn.clientId, signIn.userId]);
}
