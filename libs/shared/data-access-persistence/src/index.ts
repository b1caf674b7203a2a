export { startEmbeddedPostgres } from './lib/embedded-postgres-server';
export type { EmbeddedPostgresOptions, RunningPostgres } from './lib/embedded-postgres-server';
export { PersistenceModule } from './lib/persistence.module';
export {
  assertDisposableDatabase,
  createServiceDataSource,
  databaseHealthIndicator,
  migrateServiceDatabase,
  openServiceDatabase,
} from './lib/service-database';
export type { ServiceDatabaseOptions } from './lib/service-database';
