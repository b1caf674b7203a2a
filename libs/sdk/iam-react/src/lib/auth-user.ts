import type { SigmaUser } from '@sigma/iam-js';

/**
 * The signed-in user as useSigmaAuth() gives it: the suite's user object (snake_case, as
 * `getProfile` answers it) with camelCase twins of its fields, so both seed 000's React snippet
 * (`user?.fullName`) and its complete example (`user.full_name`) read it.
 */
export interface SigmaAuthUser extends SigmaUser {
  tenantId: string;
  firstName: string | null;
  lastName: string | null;
  fullName: string | null;
  emailVerified: boolean;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
  lastLogin: string | null;
}

export function authUserOf(user: SigmaUser): SigmaAuthUser {
  return {
    ...user,
    tenantId: user.tenant_id,
    firstName: user.first_name,
    lastName: user.last_name,
    fullName: user.full_name,
    emailVerified: user.email_verified,
    isActive: user.is_active,
    createdAt: user.created_at,
    updatedAt: user.updated_at,
    lastLogin: user.last_login,
  };
}
