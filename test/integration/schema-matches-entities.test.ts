import { openDatabase } from '../../infra/database/data-source';
import { createTestDatabase } from '../support/database';

/**
 * The migrations are the schema; the entities must describe the tables and columns they create.
 * TypeORM's schema builder, run against a freshly migrated database, must find no table or column
 * to add, drop or retype: a column added to an entity without a migration, a misspelt column name
 * or a wrong type fails here. Indexes, constraints and column defaults belong to the migrations
 * alone (the entities do not repeat them), so the builder's wish to drop those is ignored.
 */
const OWNED_BY_MIGRATIONS = [
  /DROP CONSTRAINT/,
  /ADD CONSTRAINT/,
  /(CREATE|DROP) (UNIQUE )?INDEX/,
  /ALTER COLUMN "\w+" (SET|DROP) DEFAULT/,
];
describe('database schema', () => {
  it('the migrated schema is exactly what the entities describe (nothing for TypeORM to synchronise)', async () => {
    const db = await createTestDatabase('schema');
    const dataSource = await openDatabase(db.url);
    try {
      const pending = await dataSource.driver.createSchemaBuilder().log();
      const structural = pending.upQueries
        .map((q) => q.query)
        .filter((sql) => !OWNED_BY_MIGRATIONS.some((owned) => owned.test(sql)));
      expect(structural).toEqual([]);
    } finally {
      await dataSource.destroy();
      await db.drop();
    }
  });
});
