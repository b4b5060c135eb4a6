import { WithStartWorkflowOperation } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEV_SERVER_BIN, startTestWorker } from './support';
import { increment } from './workflows';

const TASK_QUEUE = 'children-updates-can';

describe('children, external signals, update-with-start and continue-as-new suggestions', () => {
  let env: TestWorkflowEnvironment;
  let worker: { stop(): Promise<void> };

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: DEV_SERVER_BIN },
        extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=30'],
      },
    });
    worker = await startTestWorker(env, TASK_QUEUE);
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
  });

  it('reports a failed child to its parent as a ChildWorkflowFailure', async () => {
    const handle = await env.client.workflow.start('parentOfFailingChild', {
      taskQueue: TASK_QUEUE,
      workflowId: 'pfc',
    });
    expect(await handle.result()).toBe('child failed: business rule broken');
  });

  it('delivers a signal from one workflow to another', async () => {
    const target = await env.client.workflow.start('waitsForSignal', {
      taskQueue: TASK_QUEUE,
      workflowId: 'target',
    });
    const sender = await env.client.workflow.start('signalsOther', {
      taskQueue: TASK_QUEUE,
      workflowId: 'sender',
      args: ['target'],
    });
    expect(await sender.result()).toBe('sent');
    expect(await target.result()).toBe('from another workflow');
  });

  it('applies the parent close policy: TERMINATE ends the child, ABANDON leaves it running', async () => {
    const terminating = await env.client.workflow.start('parentLeavesChild', {
      taskQueue: TASK_QUEUE,
      workflowId: 'plc-terminate',
      args: ['TERMINATE'],
    });
    const terminatedChild = env.client.workflow.getHandle(await terminating.result());
    await expect(terminatedChild.result()).rejects.toThrow();
    expect((await terminatedChild.describe()).status.name).toBe('TERMINATED');

    const abandoning = await env.client.workflow.start('parentLeavesChild', {
      taskQueue: TASK_QUEUE,
      workflowId: 'plc-abandon',
      args: ['ABANDON'],
    });
    const abandonedChild = env.client.workflow.getHandle(await abandoning.result());
    expect((await abandonedChild.describe()).status.name).toBe('RUNNING');
    await abandonedChild.signal('approve', 'still alive');
    expect(await abandonedChild.result()).toBe('still alive');
  });

  it('cancels another workflow from a workflow', async () => {
    const target = await env.client.workflow.start('sleepsLong', {
      taskQueue: TASK_QUEUE,
      workflowId: 'cancel-target',
    });
    const canceller = await env.client.workflow.start('cancelsOther', {
      taskQueue: TASK_QUEUE,
      workflowId: 'canceller',
      args: ['cancel-target'],
    });
    expect(await canceller.result()).toBe('cancel requested');
    await expect(target.result()).rejects.toThrow();
    expect((await target.describe()).status.name).toBe('CANCELLED');
  });

  it('starts a workflow and updates it in one call (update-with-start), then updates the running one', async () => {
    const startOp = () =>
      new WithStartWorkflowOperation('counter', {
        taskQueue: TASK_QUEUE,
        workflowId: 'counter-1',
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    expect(
      await env.client.workflow.executeUpdateWithStart(increment, {
        args: [4],
        startWorkflowOperation: startOp(),
      }),
    ).toBe(4);
    expect(
      await env.client.workflow.executeUpdateWithStart(increment, {
        args: [6],
        startWorkflowOperation: startOp(),
      }),
    ).toBe(10);
    expect(await env.client.workflow.getHandle('counter-1').result()).toBe(10);
  });

  it('suggests continue-as-new once history passes the configured length', async () => {
    const handle = await env.client.workflow.start('growsUntilSuggested', {
      taskQueue: TASK_QUEUE,
      workflowId: 'grows',
    });
    const timers = await handle.result();
    expect(timers).toBeGreaterThan(3);
    expect(timers).toBeLessThan(10); // each timer adds 6 events; 30 events suggested
  });
});
