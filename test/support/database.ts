import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Creates a fresh, empty database on the test PostgreSQL for one test file and returns its URL.
 * Use it from beforeAll; call drop() from afterAll.
 */
export async function createTestDatabase(
  prefix = 'test',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const maintenanceUrl = process.env.TEST_DATABASE_URL;
  if (!maintenanceUrl)
    throw new Error('TEST_DATABASE_URL is not set: run tests through jest (globalSetup starts PostgreSQL)');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: maintenanceUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: maintenanceUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
