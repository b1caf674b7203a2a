export { DIRECTORY_OPTIONS } from './lib/directory-options';
export type { BackoffPolicy, DirectoryOptions, LoginProtection } from './lib/directory-options';
export { SYSTEM_PERMISSIONS } from './lib/permission-catalogue';
export type { PermissionDefinition } from './lib/permission-catalogue';
export { generateTotpSecret, totpCodeAt, totpStepAt, totpUri, verifyTotp, TOTP_DIGITS, TOTP_PERIOD_SECONDS, TOTP_TOLERANCE_STEPS } from './lib/totp';
export { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from './lib/recovery-codes';
export { passwordProblems, PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from './lib/password-policy';
export type { PasswordOwner } from './lib/password-policy';
export {
  DEFAULT_PAGE_SIZE,
  DEFAULT_USER_SORT,
  MAX_PAGE,
  MAX_PAGE_SIZE,
  MAX_SEARCH_LENGTH,
  pageSizeOf,
  parseUserFilter,
  parseUserSort,
  totalPagesOf,
  USER_FILTER_KEYS,
  USER_SORT_FIELDS,
} from './lib/user-query';
export type { SortDirection, UserFilterKey, UserFilters, UserListCriteria, UserSort, UserSortField } from './lib/user-query';
