import type { SessionPolicyOverride } from '@sigma/session/domain';
import { EntityManager } from 'typeorm';

interface PolicyRow {
  idle_timeout_seconds: number | null;
  absolute_lifetime_seconds: number | null;
  remember_me_lifetime_seconds: number | null;
  max_sessions: number | null;
}

/** A tenant's session policy: the fields it sets; the service defaults fill the rest. */
export class TenantPolicyRepository {
  constructor(private readonly manager: EntityManager) {}

  async find(tenantId: string): Promise<SessionPolicyOverride> {
    const rows: PolicyRow[] = await this.manager.query(
      'SELECT idle_timeout_seconds, absolute_lifetime_seconds, remember_me_lifetime_seconds, max_sessions FROM session.tenant_policies WHERE tenant_id = $1',
      [tenantId],
    );
    const row = rows[0];
    if (!row) return {};
    const policy: SessionPolicyOverride = {};
    if (row.idle_timeout_seconds !== null) policy.idleTimeoutSeconds = row.idle_timeout_seconds;
    if (row.absolute_lifetime_seconds !== null) policy.absoluteLifetimeSeconds = row.absolute_lifetime_seconds;
    if (row.remember_me_lifetime_seconds !== null) policy.rememberMeLifetimeSeconds = row.remember_me_lifetime_seconds;
    if (row.max_sessions !== null) policy.maxSessions = row.max_sessions;
    return policy;
  }

  /** Replaces the tenant's policy (absent fields inherit the defaults again). */
  async save(tenantId: string, policy: SessionPolicyOverride, now: Date): Promise<void> {
    await this.manager.query(
      `INSERT INTO session.tenant_policies (tenant_id, idle_timeout_seconds, absolute_lifetime_seconds, remember_me_lifetime_seconds, max_sessions, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id) DO UPDATE SET idle_timeout_seconds = $2, absolute_lifetime_seconds = $3, remember_me_lifetime_seconds = $4, max_sessions = $5, updated_at = $6`,
      [tenantId, policy.idleTimeoutSeconds ?? null, policy.absoluteLifetimeSeconds ?? null, policy.rememberMeLifetimeSeconds ?? null, policy.maxSessions ?? null, now],
    );
  }
}
