export { DirectoryCredentialsModule } from './lib/directory-credentials.module';
