import { ensureDatabase, startEmbeddedPostgres } from '../../infra/database/embedded-postgres';

/**
 * An embedded PostgreSQL in a process of its own, for tests that run inside Jest's module system
 * (which cannot load the ESM-only embedded-postgres package):
 *   node infra/run-ts.js test/support/postgres-process.ts <data dir> <port> <database>
 * Prints one JSON line `{ "url", "postmaster" }` when the database is ready; stops PostgreSQL on
 * SIGTERM or when its parent's IPC channel closes (the PostgreSQL watchdog covers a SIGKILL).
 */
async function main(): Promise<void> {
  const [dataDir, port, database] = process.argv.slice(2);
  const pg = await startEmbeddedPostgres({ dataDir, port: Number(port) });
  await ensureDatabase(pg.url, database);
  process.removeAllListeners('SIGINT'); // embedded-postgres' own exit hooks race ours
  process.removeAllListeners('SIGTERM');
  const stop = () => void pg.stop().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  console.log(JSON.stringify({ url: pg.urlFor(database), postmaster: pg.postmaster.pid }));
}

main().catch((err: unknown) => {
  console.error(`postgres-process: ${String(err)}`);
  process.exit(1);
});
