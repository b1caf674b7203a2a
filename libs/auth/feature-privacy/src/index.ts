export { AuthPrivacyModule } from './lib/auth-privacy.consumer';
