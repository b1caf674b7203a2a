import { EntityManager } from 'typeorm';

type Rows = Array<Record<string, unknown>>;

/**
 * Everything the directory holds about one user, for a data subject access export: the profile,
 * credential metadata (never a hash, secret or public key), roles, groups and linked social
 * login identities.
 */
export class SubjectDataQuery {
  constructor(private readonly manager: EntityManager) {}

  async of(tenantId: string, userId: string): Promise<Record<string, Rows>> {
    const q = (sql: string): Promise<Rows> => this.manager.query(sql, [tenantId, userId]);
    const profile = await q(
      `SELECT u.id, u.tenant_id, u.email, u.username, u.first_name, u.last_name, u.email_verified, u.is_active, u.created_at, u.updated_at,
              u.last_login, COALESCE(f.failure_count, 0) AS failed_login_count, f.locked_until
         FROM directory.users u LEFT JOIN directory.sign_in_failures f ON f.subject = u.id::text
        WHERE u.tenant_id = $1 AND u.id = $2`,
    );
    if (profile.length === 0) return { profile };
    const credentials = [
      ...(await q(`SELECT 'password' AS type, p.updated_at AS changed_at, NULL::timestamptz AS created_at, NULL::timestamptz AS last_used_at, NULL AS name, NULL AS detail
                     FROM directory.password_credentials p JOIN directory.users u ON u.id = p.user_id WHERE u.tenant_id = $1 AND p.user_id = $2`)),
      ...(await q(`SELECT 'totp' AS type, NULL::timestamptz AS changed_at, t.created_at, NULL::timestamptz AS last_used_at, NULL AS name, NULL AS detail
                     FROM directory.totp_credentials t JOIN directory.users u ON u.id = t.user_id WHERE u.tenant_id = $1 AND t.user_id = $2`)),
      ...(await q(`SELECT 'recovery_codes' AS type, NULL::timestamptz AS changed_at, NULL::timestamptz AS created_at, max(r.used_at) AS last_used_at, NULL AS name,
                          count(*) FILTER (WHERE r.used_at IS NULL) || ' of ' || count(*) || ' unused' AS detail
                     FROM directory.recovery_codes r JOIN directory.users u ON u.id = r.user_id WHERE u.tenant_id = $1 AND r.user_id = $2 HAVING count(*) > 0`)),
      ...(await q(`SELECT 'webauthn' AS type, NULL::timestamptz AS changed_at, w.created_at, w.last_used_at, w.name,
                          concat_ws(', ', w.device_type, CASE WHEN w.backed_up THEN 'backed up' END, array_to_string(w.transports, ' ')) AS detail
                     FROM directory.webauthn_credentials w WHERE w.tenant_id = $1 AND w.user_id = $2 ORDER BY w.created_at`)),
    ];
    const roles = await q(
      `SELECT r.id, r.name, r.slug, r.permissions FROM directory.user_roles ur JOIN directory.roles r ON r.id = ur.role_id
        WHERE r.tenant_id = $1 AND ur.user_id = $2 ORDER BY r.slug`,
    );
    const groups = await q(
      `SELECT g.id, g.name, g.slug, g.permissions FROM directory.user_groups ug JOIN directory.groups g ON g.id = ug.group_id
        WHERE g.tenant_id = $1 AND ug.user_id = $2 ORDER BY g.slug`,
    );
    const linked_identities = await q(
      `SELECT provider, issuer, subject, created_at, last_login_at FROM directory.external_identities WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`,
    );
    return { profile, credentials, roles, groups, linked_identities };
  }
}
