import { Client } from 'pg';
import { createTestDatabase } from '../support/database';

describe('test database harness', () => {
  it('gives each test file its own empty database on a real PostgreSQL', async () => {
    const db = await createTestDatabase();
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    expect(rows[0].version).toMatch(/^PostgreSQL/);
    const tables = await client.query("SELECT 1 FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.rowCount).toBe(0);
    await client.end();
    await db.drop();
  });
});
