import { EntityManager } from 'typeorm';
import { changeRows } from './affected-rows';

export type WebauthnCeremony = 'registration' | 'authentication';

/** A challenge handed to a browser, and whom its answer may sign in or register. */
export interface WebauthnChallenge {
  ceremony: WebauthnCeremony;
  tenantId: string;
  /** Registration: the signed-in user. Authentication: the user the username named (null when unknown). */
  userId: string | null;
  /** Authentication without a username: any user's discoverable credential may answer. */
  anyUser: boolean;
  /** Authentication: the client the tokens are for. */
  clientId: string | null;
}

interface ChallengeRow {
  ceremony: WebauthnCeremony;
  tenant_id: string;
  user_id: string | null;
  any_user: boolean;
  client_id: string | null;
  live: boolean;
}

/** Pending WebAuthn challenges (`auth.webauthn_challenges`), kept under the hash of the challenge. */
export class WebauthnChallengeRepository {
  constructor(private readonly manager: EntityManager) {}

  async create(challengeHash: string, challenge: WebauthnChallenge, createdAt: Date, expiresAt: Date): Promise<void> {
    await this.manager.query(
      `INSERT INTO auth.webauthn_challenges (challenge_hash, ceremony, tenant_id, user_id, any_user, client_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [challengeHash, challenge.ceremony, challenge.tenantId, challenge.userId, challenge.anyUser, challenge.clientId, createdAt, expiresAt],
    );
  }

  /**
   * Takes the challenge of a ceremony out of the store (single use: of two concurrent answers only
   * one gets it) and answers it if it had not expired. An expired challenge is deleted all the same.
   */
  async consume(challengeHash: string, ceremony: WebauthnCeremony, now: Date): Promise<WebauthnChallenge | undefined> {
    // DELETE ... RETURNING answers [rows, affected count] through TypeORM's postgres driver.
    const [rows]: [ChallengeRow[], number] = await this.manager.query(
      `DELETE FROM auth.webauthn_challenges WHERE challenge_hash = $1 AND ceremony = $2
       RETURNING ceremony, tenant_id, user_id, any_user, client_id, expires_at > $3 AS live`,
      [challengeHash, ceremony, now],
    );
    const row = rows[0];
    if (!row?.live) return undefined;
    return { ceremony: row.ceremony, tenantId: row.tenant_id, userId: row.user_id, anyUser: row.any_user, clientId: row.client_id };
  }

  async purgeExpired(before: Date): Promise<number> {
    return changeRows(this.manager, 'DELETE FROM auth.webauthn_challenges WHERE expires_at < $1', [before]);
  }
}
