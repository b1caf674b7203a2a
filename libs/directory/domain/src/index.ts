export { DIRECTORY_OPTIONS } from './lib/directory-options';
export type { DirectoryOptions } from './lib/directory-options';
export { SYSTEM_PERMISSIONS } from './lib/permission-catalogue';
export type { PermissionDefinition } from './lib/permission-catalogue';
