import type { IdentityRecord } from '@sigma/directory/data-access';
import type { IdentityResponse } from '@sigma/shared/contracts-internal';

/** The internal API's view of a user's identity (contracts-internal's IdentityClaims). */
export function identityResponseOf(record: IdentityRecord): IdentityResponse {
  return {
    user: {
      user_id: record.userId,
      tenant_id: record.tenantId,
      username: record.username,
      email: record.email,
      email_verified: record.emailVerified,
      first_name: record.firstName,
      last_name: record.lastName,
      is_active: record.isActive,
      roles: record.roles,
      permissions: record.permissions,
      mfa: record.mfa,
      last_login: record.lastLogin === null ? null : record.lastLogin.toISOString(),
      created_at: record.createdAt.toISOString(),
      updated_at: record.updatedAt.toISOString(),
    },
  };
}
