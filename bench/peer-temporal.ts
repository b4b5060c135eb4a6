import * as os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as activities from './activities';
import { driveLoad, loadOptionsFromArgs, reportAndStop, stringArg } from './peer-load';

/**
 * Temporal's side of `npm run bench -- peer`: the SDK worker (bench/workflows.ts `benchCase`, the
 * activity of bench/activities.ts) and the client that drives it, in this one process, against the
 * dev server at `--address` (started by bench/peer.ts on PostgreSQL storage). Worker settings are
 * those of the engine benchmark (bench/temporal.ts).
 */
async function main(): Promise<void> {
  const address = stringArg('address');
  const options = loadOptionsFromArgs();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const client = new Client({ connection: await Connection.connect({ address }) });
  const worker = await Worker.create({
    // As the service's worker to a server on this machine (TEMPORAL_GRPC_COMPRESSION unset): no gzip.
    connection: await NativeConnection.connect({ address, grpcCompression: { codec: 'none' } }),
    taskQueue: 'bench-peer',
    workflowsPath: require.resolve('./workflows'),
    activities,
    maxConcurrentWorkflowTaskExecutions: 100,
    workflowThreadPoolSize: os.cpus().length,
  });
  const running = worker.run();
  const result = await driveLoad(options, async (workflowId) => {
    const handle = await client.workflow.start('benchCase', { taskQueue: 'bench-peer', workflowId });
    await handle.signal('go');
    await handle.result();
  });
  await reportAndStop(result, async () => {
    worker.shutdown();
    await running;
    await client.connection.close();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
