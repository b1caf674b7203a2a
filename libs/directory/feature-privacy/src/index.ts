export { DirectoryPrivacyModule } from './lib/directory-privacy.consumer';
