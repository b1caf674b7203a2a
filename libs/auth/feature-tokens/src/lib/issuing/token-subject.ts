import type { TokenSubject } from '@sigma/auth/domain';
import type { IdentityClaims } from '@sigma/shared/contracts-internal';

/** The directory's claims of a user as the token builders take them. */
export function tokenSubjectOf(claims: IdentityClaims): TokenSubject {
  return {
    tenantId: claims.tenant_id,
    userId: claims.user_id,
    username: claims.username,
    email: claims.email,
    emailVerified: claims.email_verified,
    firstName: claims.first_name,
    lastName: claims.last_name,
    roles: claims.roles,
    permissions: claims.permissions,
  };
}
