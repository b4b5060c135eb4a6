import { PostgresStorage, start } from '../infra/temporal-dev-server';

/**
 * The dev server for `npm run bench -- escalation`: the same server and PostgreSQL storage as
 * `npm start` runs (`temporal-dev-server server start-dev --db-url …`), with the TestService
 * served as well, so that the benchmark can move the server's clock forward ONCE, while nothing is
 * due, to shortly before the step deadlines of its cases (which are ends of working days, hours or
 * days away). Time skipping stays locked otherwise: from that jump on the clock runs with wall
 * time at a constant offset, and every timer fires after real waiting.
 *
 * `node infra/run-ts.js bench/escalation-server.ts <port> <database-url>`; prints one JSON line
 * `{ "address": … }` when it serves, stops on SIGTERM or SIGINT (a CPU profile, if asked for with
 * --cpu-prof, is written then).
 */
async function main(): Promise<void> {
  const [port, databaseUrl] = process.argv.slice(2);
  if (!port || !databaseUrl) throw new Error('usage: escalation-server.ts <port> <database-url>');
  const storage = await PostgresStorage.open(databaseUrl);
  const handle = await start({
    storage,
    port: Number(port),
    ip: '127.0.0.1',
    namespaces: ['default'],
    timeSkipping: true,
    onStorageFailure: (err) => {
      console.error(`escalation-server: a write to PostgreSQL failed: ${String(err)}`);
      process.exit(1);
    },
    log: (line) => line.startsWith('internal error') && console.error(line),
  });
  console.log(JSON.stringify({ address: handle.address }));
  const stop = () => void handle.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
