import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import * as path from 'node:path';
import * as activities from './activities';

const BIN = path.resolve(__dirname, '../../infra/temporal-dev-server/bin/temporal-dev-server');

describe('smoke', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: BIN } },
    });
  });
  afterAll(() => env?.teardown());

  it('runs everything', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'smoke',
      workflowsPath: require.resolve('./workflows'),
      activities,
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('everything', {
        taskQueue: 'smoke',
        workflowId: 'smoke-1',
        args: ['world'],
      });
      expect(await handle.query('status')).toBe('waiting');
      await handle.signal('approve', 'boss');
      await expect(handle.executeUpdate('setLimit', { args: [-1] })).rejects.toThrow(/negative/);
      expect(await handle.executeUpdate('setLimit', { args: [21] })).toBe(42);
      expect(await handle.result()).toMatch(/hello world; approved by boss; limit 21; patched; 36/);
    });
  });
});
