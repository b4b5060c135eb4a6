import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLocalEnv } from './support';

const ROOT = path.resolve(__dirname, '../..');

function startWorkerProcess(address: string, taskQueue: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['infra/run-ts.js', 'test/dev-server/worker-process.ts', address, taskQueue],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('worker ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker process exited with ${code}: ${out}`)));
  });
}

describe('a worker killed in the middle of an activity', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createLocalEnv();
  });
  afterAll(() => env?.teardown());

  it('is replaced by a new worker that answers queries, takes over sticky workflows and finishes the activity after it times out and retries', async () => {
    const taskQueue = 'worker-restart';
    const address = env.address;
    const first = await startWorkerProcess(address, taskQueue);
    const handle = await env.client.workflow.start('survivesWorkerLoss', {
      taskQueue,
      workflowId: 'worker-restart-1',
      args: [1500],
    });
    // A second workflow waits for a signal: its history is cached on the first worker (sticky).
    const waiting = await env.client.workflow.start('waitsForSignal', {
      taskQueue,
      workflowId: 'worker-restart-sticky',
    });
    expect(typeof (await waiting.query('__stack_trace'))).toBe('string');
    // Wait until the first worker has started the activity, then kill it without warning.
    for (;;) {
      const description = await handle.describe();
      if (description.raw.pendingActivities?.[0]?.state === 2) break; // STARTED
      await new Promise((r) => setTimeout(r, 50));
    }
    first.kill('SIGKILL');
    const second = await startWorkerProcess(address, taskQueue);
    try {
      // The sticky queue's worker is gone: the query and the signal's task move to the new worker.
      expect(typeof (await waiting.query('__stack_trace'))).toBe('string');
      await waiting.signal('approve', 'after restart');
      expect(await waiting.result()).toBe('after restart');
      expect(await handle.result()).toBe('slept 1500');
      const started = (await handle.fetchHistory()).events!.find((e) => e.activityTaskStartedEventAttributes);
      expect(started!.activityTaskStartedEventAttributes!.attempt).toBe(2);
    } finally {
      second.kill('SIGKILL');
    }
  });
});
