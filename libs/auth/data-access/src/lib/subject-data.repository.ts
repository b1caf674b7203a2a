import { EntityManager } from 'typeorm';

type Rows = Array<Record<string, unknown>>;

/**
 * What auth-server holds about one user, for exports (metadata only: never a token, hash or
 * code) and erasure (refresh-token families with their tokens, MFA sessions, client sign-ins,
 * passkey challenges, contextual tokens issued for the user, consents, browser sessions,
 * authorization codes, device authorizations, pending authorizations and social login codes).
 */
export class SubjectDataRepository {
  constructor(private readonly manager: EntityManager) {}

  async exportOf(tenantId: string, userId: string): Promise<Record<string, Rows>> {
    const q = (sql: string): Promise<Rows> => this.manager.query(sql, [tenantId, userId]);
    return {
      consents: await q(
        `SELECT s.client_id, c.name AS client_name, s.scopes, s.granted_at
           FROM auth.consents s LEFT JOIN auth.clients c ON c.client_id = s.client_id AND c.tenant_id = s.tenant_id
          WHERE s.tenant_id = $1 AND s.user_id = $2 ORDER BY s.granted_at`,
      ),
      browser_sessions: await q(
        `SELECT id, auth_time, amr, created_at, expires_at, ended_at FROM auth.browser_sessions WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`,
      ),
      authorization_codes_issued: await q(
        `SELECT client_id, scope, redirect_uri, created_at, expires_at, consumed_at FROM auth.authorization_codes WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`,
      ),
      device_authorizations: await q(
        `SELECT client_id, scope, status, created_at, expires_at FROM auth.device_authorizations WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`,
      ),
      applications: await q(
        `SELECT s.client_id, c.name AS client_name, min(s.signed_in_at) AS first_sign_in, max(s.signed_in_at) AS last_sign_in, count(*)::int AS sign_ins
           FROM auth.client_sign_ins s LEFT JOIN auth.clients c ON c.client_id = s.client_id AND c.tenant_id = s.tenant_id
          WHERE s.tenant_id = $1 AND s.user_id = $2 GROUP BY s.client_id, c.name ORDER BY min(s.signed_in_at)`,
      ),
      refresh_token_families: await q(
        `SELECT id, client_id, scope, auth_time, amr, created_at, revoked_at, revoked_reason
           FROM auth.refresh_token_families WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`,
      ),
      refresh_tokens_issued: await q(
        `SELECT t.id, t.family_id, t.created_at, t.expires_at, t.rotated_at
           FROM auth.refresh_tokens t JOIN auth.refresh_token_families f ON f.id = t.family_id
          WHERE f.tenant_id = $1 AND f.user_id = $2 ORDER BY t.created_at`,
      ),
      mfa_challenges: await q(
        `SELECT client_id, scope, created_at, expires_at, failed_attempts, consumed_at
           FROM auth.mfa_sessions WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`,
      ),
      passkey_challenges: await q(
        `SELECT ceremony, client_id, created_at, expires_at FROM auth.webauthn_challenges WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`,
      ),
      contextual_tokens: await q(
        `SELECT jti, audience, single_use, created_at, expires_at, used_at, revoked_at
           FROM auth.contextual_tokens WHERE tenant_id = $1 AND subject = $2::text ORDER BY created_at`,
      ),
    };
  }

  /** Deletes everything of the user; running it again finds nothing and changes nothing. */
  async erase(tenantId: string, userId: string): Promise<void> {
    await this.manager.query('DELETE FROM auth.refresh_token_families WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
    await this.manager.query('DELETE FROM auth.mfa_sessions WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
    await this.manager.query('DELETE FROM auth.client_sign_ins WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
    await this.manager.query('DELETE FROM auth.webauthn_challenges WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
    await this.manager.query('DELETE FROM auth.contextual_tokens WHERE tenant_id = $1 AND subject = $2::text', [tenantId, userId]);
    await this.manager.query('DELETE FROM auth.consents WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
    await this.manager.query('DELETE FROM auth.browser_sessions WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
    await this.manager.query('DELETE FROM auth.authorization_codes WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
    await this.manager.query('DELETE FROM auth.device_authorizations WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
    await this.manager.query('DELETE FROM auth.pending_authorizations WHERE tenant_id = $1 AND mfa_user_id = $2', [tenantId, userId]);
    await this.manager.query('DELETE FROM auth.sso_login_codes WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
  }
}
