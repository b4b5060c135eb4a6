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
