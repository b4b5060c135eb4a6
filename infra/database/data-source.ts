import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false, // failures surface as exceptions; the API's error filter logs unexpected ones
    extra: { max: 10, application_name: 'credit-procedures' },
  };
}

/** Opens a connection pool and brings the schema up to date. */
export async function openDatabase(url: string): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(url));
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
}

/** For the TypeORM CLI (`npm run migration:generate`), which needs a default export. */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://localhost/credit_procedures'),
);
