import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';

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
