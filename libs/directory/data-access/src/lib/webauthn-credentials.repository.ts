import { EntityManager } from 'typeorm';

/** A passkey as the directory keeps it: the COSE public key and the last signature counter. */
export interface WebauthnCredentialRecord {
  credentialId: string;
  userId: string;
  tenantId: string;
  publicKey: Buffer;
  counter: number;
  transports: string[];
  deviceType: string | null;
  backedUp: boolean;
  name: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type NewWebauthnCredential = Omit<WebauthnCredentialRecord, 'createdAt' | 'lastUsedAt'>;

interface CredentialRow {
  id: string;
  user_id: string;
  tenant_id: string;
  public_key: Buffer;
  counter: string;
  transports: string[];
  device_type: string | null;
  backed_up: boolean;
  name: string | null;
  created_at: Date;
  last_used_at: Date | null;
}

const COLUMNS = 'id, user_id, tenant_id, public_key, counter, transports, device_type, backed_up, name, created_at, last_used_at';

/** Outcome of recording an assertion's counter. */
export type CounterUpdate = { outcome: 'raised'; userId: string } | { outcome: 'not_raised' } | { outcome: 'unknown' };

/** WebAuthn credentials (`directory.webauthn_credentials`), always within a tenant. */
export class WebauthnCredentialsRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Stores a credential; false when its id is registered already (to anyone). */
  async add(credential: NewWebauthnCredential): Promise<boolean> {
    const rows: Array<{ id: string }> = await this.manager.query(
      `INSERT INTO directory.webauthn_credentials (id, user_id, tenant_id, public_key, counter, transports, device_type, backed_up, name)
       SELECT $1, u.id, u.tenant_id, $4, $5, $6, $7, $8, $9 FROM directory.users u WHERE u.id = $2 AND u.tenant_id = $3
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        credential.credentialId,
        credential.userId,
        credential.tenantId,
        credential.publicKey,
        credential.counter,
        credential.transports,
        credential.deviceType,
        credential.backedUp,
        credential.name,
      ],
    );
    return rows.length === 1;
  }

  async find(tenantId: string, credentialId: string): Promise<WebauthnCredentialRecord | undefined> {
    const rows: CredentialRow[] = await this.manager.query(`SELECT ${COLUMNS} FROM directory.webauthn_credentials WHERE id = $1 AND tenant_id = $2`, [credentialId, tenantId]);
    return rows[0] && recordOf(rows[0]);
  }

  async listOfUser(tenantId: string, userId: string): Promise<WebauthnCredentialRecord[]> {
    const rows: CredentialRow[] = await this.manager.query(
      `SELECT ${COLUMNS} FROM directory.webauthn_credentials WHERE user_id = $1 AND tenant_id = $2 ORDER BY created_at, id`,
      [userId, tenantId],
    );
    return rows.map(recordOf);
  }

  /**
   * Records an assertion: the stored counter becomes `counter` only if that is larger, or both are
   * zero (authenticators without a counter, such as synced passkeys). The condition is part of the
   * UPDATE, so two assertions racing with one counter value cannot both pass.
   */
  async recordUse(tenantId: string, credentialId: string, counter: number, backedUp: boolean): Promise<CounterUpdate> {
    // UPDATE answers [rows, affected count] through TypeORM's postgres driver.
    const [rows]: [Array<{ user_id: string }>, number] = await this.manager.query(
      `UPDATE directory.webauthn_credentials SET counter = $3, backed_up = $4, last_used_at = now()
        WHERE id = $1 AND tenant_id = $2 AND (counter < $3 OR ($3 = 0 AND counter = 0))
        RETURNING user_id`,
      [credentialId, tenantId, counter, backedUp],
    );
    if (rows[0]) return { outcome: 'raised', userId: rows[0].user_id };
    return (await this.find(tenantId, credentialId)) ? { outcome: 'not_raised' } : { outcome: 'unknown' };
  }

  /** Removes one of a user's credentials; answers it, or undefined when the user has no such credential. */
  async remove(tenantId: string, userId: string, credentialId: string): Promise<WebauthnCredentialRecord | undefined> {
    // DELETE ... RETURNING answers [rows, affected count] through TypeORM's postgres driver.
    const [rows]: [CredentialRow[], number] = await this.manager.query(
      `DELETE FROM directory.webauthn_credentials WHERE id = $1 AND tenant_id = $2 AND user_id = $3 RETURNING ${COLUMNS}`,
      [credentialId, tenantId, userId],
    );
    return rows[0] && recordOf(rows[0]);
  }

  /**
   * A sign-in with a passkey: last_login only. The password failure counters are left alone, so a
   * passkey sign-in never lifts a lock that password guessing earned.
   */
  async recordSignIn(userId: string): Promise<void> {
    await this.manager.query('UPDATE directory.users SET last_login = now() WHERE id = $1', [userId]);
  }
}

function recordOf(row: CredentialRow): WebauthnCredentialRecord {
  return {
    credentialId: row.id,
    userId: row.user_id,
    tenantId: row.tenant_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: row.transports,
    deviceType: row.device_type,
    backedUp: row.backed_up,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
