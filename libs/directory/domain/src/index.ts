export { DIRECTORY_OPTIONS } from './lib/directory-options';
export type { DirectoryOptions } from './lib/directory-options';
export { SYSTEM_PERMISSIONS } from './lib/permission-catalogue';
export type { PermissionDefinition } from './lib/permission-catalogue';
export { generateTotpSecret, totpCodeAt, totpStepAt, totpUri, verifyTotp, TOTP_DIGITS, TOTP_PERIOD_SECONDS, TOTP_TOLERANCE_STEPS } from './lib/totp';
export { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from './lib/recovery-codes';
