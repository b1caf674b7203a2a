import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Module({})
export class PersistenceModule {
  /** Makes the service's already-opened DataSource injectable everywhere in the service. */
  static forDataSource(dataSource: DataSource): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      providers: [{ provide: DataSource, useValue: dataSource }],
      exports: [DataSource],
    };
  }
}
