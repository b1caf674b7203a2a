export { DirectoryCredentialsModule } from './lib/directory-credentials.module';
export { identityResponseOf } from './lib/identity-claims';
