export { DirectoryUsersModule } from './lib/directory-users.module';
