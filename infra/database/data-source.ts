import 'reflect-metadata';
import { types } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * Calendar dates (PostgreSQL `date`) stay 'YYYY-MM-DD' strings: turning them into JS Dates at
 * local midnight shifts days across time zones, and deadlines are counted in Beijing dates.
 */
const DATE_ARRAY_OID = 1182 as Parameters<typeof types.setTypeParser>[0];
types.setTypeParser(types.builtins.DATE, (value) => value);
types.setTypeParser(DATE_ARRAY_OID, (value) => (value === '{}' ? [] : value.slice(1, -1).split(',')));

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
