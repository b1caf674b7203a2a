export { csvOf } from './lib/export-artifact';
export { PrivacyRequestsModule, privacyOptionsOf } from './lib/privacy-requests.module';
export { PrivacySettings } from './lib/privacy.settings';
