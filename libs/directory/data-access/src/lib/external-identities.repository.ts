import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { uniqueViolationOf } from './tenants.repository';

/** A user's identity at an upstream provider. */
export interface ExternalIdentity {
  tenantId: string;
  userId: string;
  issuer: string;
  subject: string;
  provider: string;
}

/** Links between users and their upstream identities; every call runs on the given manager (and its transaction). */
export class ExternalIdentitiesRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The user an upstream identity is linked to in the tenant. */
  async userOf(tenantId: string, issuer: string, subject: string): Promise<string | undefined> {
    const rows: Array<{ user_id: string }> = await this.manager.query(
      'SELECT user_id FROM directory.external_identities WHERE tenant_id = $1 AND issuer = $2 AND subject = $3',
      [tenantId, issuer, subject],
    );
    return rows[0]?.user_id;
  }

  /** Links the identity; false when it is linked already (to whomever: a concurrent sign-in won). */
  async link(identity: ExternalIdentity): Promise<boolean> {
    try {
      await this.manager.query(
        `INSERT INTO directory.external_identities (id, tenant_id, user_id, issuer, subject, provider, last_login_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())`,
        [randomUUID(), identity.tenantId, identity.userId, identity.issuer, identity.subject, identity.provider],
      );
      return true;
    } catch (error) {
      if (uniqueViolationOf(error) === 'external_identities_subject') return false;
      throw error;
    }
  }

  async recordLogin(tenantId: string, issuer: string, subject: string): Promise<void> {
    await this.manager.query('UPDATE directory.external_identities SET last_login_at = now() WHERE tenant_id = $1 AND issuer = $2 AND subject = $3', [tenantId, issuer, subject]);
  }

  /** The user of the tenant whose email is `email` (case-insensitive; emails are unique per tenant). */
  async userWithEmail(tenantId: string, email: string): Promise<string | undefined> {
    const rows: Array<{ id: string }> = await this.manager.query('SELECT id FROM directory.users WHERE tenant_id = $1 AND lower(email) = lower($2)', [tenantId, email]);
    return rows[0]?.id;
  }
}
