export { AuthLoginApisModule } from './lib/login-apis.module';
export type { LoginApisOptions } from './lib/login-apis.options';
export { LoginApisSettings } from './lib/login-apis.settings';
