import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import * as activities from './activities';

export const DEV_SERVER_BIN = path.resolve(
  __dirname,
  '../../infra/temporal-dev-server/bin/temporal-dev-server',
);

/**
 * The SDK gives an ephemeral server a fixed 5 s to listen (in its native core, not configurable).
 * Our server starts from TypeScript sources (ts-node), and on this 2-core machine under a full
 * parallel suite its cold start has been seen to take longer (the api suite failed once in seven
 * runs so). Such a start is tried again — only that failure, at most three times in all.
 */
async function startingAgain(
  create: () => Promise<TestWorkflowEnvironment>,
): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (err) {
      if (attempt >= 3 || !/did not start within/.test(String(err))) throw err;
    }
  }
}

/** The official testing API, pointed at our server's executable instead of a downloaded binary. */
export function createLocalEnv(): Promise<TestWorkflowEnvironment> {
  return startingAgain(() =>
    TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: DEV_SERVER_BIN } },
    }),
  );
}

/** The time-skipping environment (test-server form of our executable). */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return startingAgain(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: DEV_SERVER_BIN } },
    }),
  );
}

/** A worker for the test workflows and activities, running until `stop()`. */
export async function startTestWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
): Promise<{ stop(): Promise<void> }> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities,
  });
  const running = worker.run();
  return {
    stop: async () => {
      worker.shutdown();
      await running;
    },
  };
}

/** The dev server in its own process (the CLI) on PostgreSQL, so a test can kill it without warning. */
export async function startServerProcess(port: number, dbUrl: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [DEV_SERVER_BIN, 'server', 'start-dev', '--port', String(port), '--ip', '127.0.0.1', '--db-url', dbUrl],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('listening on')) resolve(child);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('exit', (code, signal) => reject(new Error(`server exited with ${signal ?? code}: ${out}`)));
  });
}

export function killServerProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
