import { CreateSessionSchema1796004380385 } from './lib/session-schema.migration';

export { RevocationLogRepository } from './lib/revocation-log.repository';
export type { RevocationRecord } from './lib/revocation-log.repository';
export { SessionRepository } from './lib/session.repository';
export type { SessionFilter, SessionRecord } from './lib/session.repository';
export { TenantPolicyRepository } from './lib/tenant-policy.repository';

/** session-service's migrations, in order (schema `session`). */
export const SESSION_MIGRATIONS = [CreateSessionSchema1796004380385];
