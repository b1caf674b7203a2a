export { BootstrapSettings } from './lib/bootstrap.settings';
export { userDirectory } from './lib/user-directory.definition';
