export { DEFAULT_TENANT_SLUG, DirectoryBootstrapRepository } from './lib/directory-bootstrap.repository';
export { CreateDirectorySchema1763800001000 } from './lib/directory-schema.migration';
export { DirectoryAccessAndCredentials1763900000000 } from './lib/directory-access-and-credentials.migration';

import { DirectoryAccessAndCredentials1763900000000 } from './lib/directory-access-and-credentials.migration';
import { CreateDirectorySchema1763800001000 } from './lib/directory-schema.migration';
import { RoleAndGroupNames1764100000000 } from './lib/roles-and-groups-names.migration';
import { DirectoryUserListing1764200000000 } from './lib/users-listing.migration';
import { DirectoryUserSearch1764300000000 } from './lib/users-search.migration';

/** The directory's migrations, in order. */
export const DIRECTORY_MIGRATIONS = [CreateDirectorySchema1763800001000, DirectoryAccessAndCredentials1763900000000, RoleAndGroupNames1764100000000, DirectoryUserListing1764200000000, DirectoryUserSearch1764300000000];
export { ADMIN_PERMISSIONS } from './lib/directory-bootstrap.repository';
export { TenantScope } from './lib/tenant-scope';
export type { TenantCaller } from './lib/tenant-scope';
export { UserAccessQuery } from './lib/user-access.query';
export type { AccessGrant, UserAccess } from './lib/user-access.query';
export { CredentialsRepository } from './lib/credentials.repository';
export type { IdentityRecord, LockoutPolicy, LoginAccount } from './lib/credentials.repository';
export { MfaRepository } from './lib/mfa.repository';
export type { StoredRecoveryCode, TotpCredential } from './lib/mfa.repository';
export { RoleAndGroupNames1764100000000 } from './lib/roles-and-groups-names.migration';
export { RolesRepository } from './lib/roles.repository';
export type { NewRole, RoleRecord } from './lib/roles.repository';
export { GroupsRepository } from './lib/groups.repository';
export type { GroupRecord, NewGroup } from './lib/groups.repository';
export { DirectoryUserListing1764200000000 } from './lib/users-listing.migration';
export { DirectoryUserSearch1764300000000 } from './lib/users-search.migration';
export { ESTIMATED_COUNT_CAP, EXACT_TOTALS_UP_TO, UsersRepository } from './lib/users.repository';
export type { NewUser, TenantRole, UserChanges, UserListPage, UserRecord } from './lib/users.repository';
export { TenantsRepository } from './lib/tenants.repository';
export type { NewTenant, TenantChanges, TenantRecord } from './lib/tenants.repository';
export { ApiKeysRepository } from './lib/api-keys.repository';
export type { ApiKeyCredential, ApiKeyRecord } from './lib/api-keys.repository';
export { WebauthnCredentialsRepository } from './lib/webauthn-credentials.repository';
export type { CounterUpdate, NewWebauthnCredential, WebauthnCredentialRecord } from './lib/webauthn-credentials.repository';
