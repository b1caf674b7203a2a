export { DirectoryAccessModule } from './lib/directory-access.module';
