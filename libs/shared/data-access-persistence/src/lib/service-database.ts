import { DataSource, MixedList } from 'typeorm';
import type { HealthIndicator } from '@sigma/shared/util-observability';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityOrMigration = MixedList<Function | string>;

export interface ServiceDatabaseOptions {
  url: string;
  /** The service's own Postgres schema; no other service reads it. */
  schema: string;
  poolSize: number;
  /** Shown in pg_stat_activity. */
  applicationName: string;
  entities: EntityOrMigration;
  migrations: EntityOrMigration;
}

const SCHEMA_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** A DataSource bound to one service schema, with its own migrations table; never synchronises. */
export function createServiceDataSource(options: ServiceDatabaseOptions): DataSource {
  if (!SCHEMA_NAME.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    applicationName: options.applicationName,
    extra: { max: options.poolSize, connectionTimeoutMillis: 5000 },
  });
}

/**
 * Connects, creates the schema when missing and applies pending migrations, each in its own
 * transaction. A Postgres advisory lock keyed by the schema makes replicas that start together
 * take turns, so a migration runs once.
 */
export async function openServiceDatabase(options: ServiceDatabaseOptions): Promise<{ dataSource: DataSource; applied: string[] }> {
  const dataSource = createServiceDataSource(options);
  await dataSource.initialize();
  try {
    const applied = await migrateServiceDatabase(dataSource, options.schema);
    return { dataSource, applied };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

export async function migrateServiceDatabase(dataSource: DataSource, schema: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`sigma-iam:migrations:${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const migrations = await dataSource.runMigrations({ transaction: 'each' });
    return migrations.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`sigma-iam:migrations:${schema}`]).catch(() => undefined);
    await runner.release();
  }
}

/** Readiness check: the database answers a trivial query. */
export function databaseHealthIndicator(dataSource: DataSource): HealthIndicator {
  return { name: 'database', check: async () => void (await dataSource.query('SELECT 1')) };
}

/**
 * Guard for destructive test set-up: refuses any database whose name lacks `test`, so a test run
 * pointed at a real installation by mistake cannot wipe it.
 */
export function assertDisposableDatabase(url: string): void {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/test/i.test(name)) throw new Error(`refusing destructive test set-up on database "${name}": its name lacks "test"`);
}
