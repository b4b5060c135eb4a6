import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import * as activities from './activities';

export const DEV_SERVER_BIN = path.resolve(
  __dirname,
  '../../infra/temporal-dev-server/bin/temporal-dev-server',
);

/** The official testing API, pointed at our server's executable instead of a downloaded binary. */
export function createLocalEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: DEV_SERVER_BIN } },
  });
}

/** The time-skipping environment (test-server form of our executable). */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: DEV_SERVER_BIN } },
  });
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
