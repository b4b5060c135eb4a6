import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { startEmbeddedPostgres, EmbeddedPostgresHandle } from '../../infra/database/embedded-postgres';
import { findFreePort } from '../../infra/net';

declare global {
  var __TEST_POSTGRES__: { handle: EmbeddedPostgresHandle; dir: string } | undefined;
}

/**
 * One embedded PostgreSQL for the whole Jest run, in a throw-away directory. Test files
 * create their own databases on it (see test/support/database.ts), so they never share state.
 * TEST_DATABASE_URL points at an external server instead.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const root = path.resolve(__dirname, '..', '..', '.test-data');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(path.join(root, 'pg-'));
  chmodSync(dir, 0o755); // reachable by the unprivileged OS user PostgreSQL runs as under root
  const port = await findFreePort();
  const handle = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port });
  globalThis.__TEST_POSTGRES__ = { handle, dir };
  process.env.TEST_DATABASE_URL = handle.url;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}
