import { assertDisposableDatabase, createServiceDataSource } from './service-database';

describe('service database', () => {
  it('refuses destructive set-up on databases not named for tests', () => {
    expect(() => assertDisposableDatabase('postgres://u:p@127.0.0.1:5432/sigma_iam')).toThrow(/lacks "test"/);
    expect(() => assertDisposableDatabase('postgres://u:p@127.0.0.1:5432/sigma_iam_test')).not.toThrow();
  });

  it('binds a data source to its schema and never synchronises', () => {
    const dataSource = createServiceDataSource({
      url: 'postgres://u:p@127.0.0.1:1/x',
      schema: 'directory',
      poolSize: 2,
      applicationName: 'user-directory',
      entities: [],
      migrations: [],
    });
    expect(dataSource.options).toMatchObject({ schema: 'directory', synchronize: false, migrationsTableName: 'migrations' });
    expect(() => createServiceDataSource({ ...dataSource.options, url: 'postgres://x/y', schema: 'bad"; drop', poolSize: 1, applicationName: 'x', entities: [], migrations: [] })).toThrow(/invalid schema/);
  });
});
