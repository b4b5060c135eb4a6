import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from './activities';

/** A worker in its own process, so a test can kill it (SIGKILL) in the middle of an activity. */
async function main(): Promise<void> {
  const [address, taskQueue] = process.argv.slice(2);
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities,
  });
  console.log('worker ready');
  await worker.run();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
