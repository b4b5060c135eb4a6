import type { ChildProcess } from 'node:child_process';
import { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { findFreePort } from '../../infra/net';
import { createTestDatabase } from '../support/database';
import * as activities from './activities';
import { killServerProcess as kill, startServerProcess as startServer } from './support';

const { EventType, WorkflowExecutionStatus, TaskQueueKind } = temporal.api.enums.v1;

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

async function runWorker(address: string, taskQueue: string): Promise<{ stop(): Promise<void> }> {
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
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

describe('the server killed (SIGKILL) and started again on the same PostgreSQL database', () => {
  let db: { url: string; drop(): Promise<void> };
  let port: number;
  let address: string;
  let server: ChildProcess;
  let client: Client;
  const workers: Array<{ stop(): Promise<void> }> = [];
  const taskQueue = 'server-crash';

  beforeAll(async () => {
    db = await createTestDatabase('crash');
    port = await findFreePort();
    address = `127.0.0.1:${port}`;
    server = await startServer(port, db.url);
    client = new Client({ connection: await Connection.connect({ address }) });
    // This worker lives through every crash: its pollers must reconnect to the new server.
    workers.push(await runWorker(address, taskQueue));
  });
  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await client?.connection.close();
    if (server) await kill(server);
    await db?.drop();
  });

  async function restart(whileDown?: () => Promise<void>): Promise<void> {
    await kill(server);
    await whileDown?.();
    server = await startServer(port, db.url);
  }

  const events = async (handle: WorkflowHandle) => (await handle.fetchHistory()).events!;
  const has = (handle: WorkflowHandle, type: number) => async () =>
    (await events(handle)).some((e) => e.eventType === type);

  /** The run completed once, its history is whole, and it is the workflow's only run. */
  async function expectCompletedOnce(handle: WorkflowHandle): Promise<typeof history> {
    const history = await events(handle);
    expect(history.map((e) => Number(e.eventId))).toEqual(history.map((_, i) => i + 1));
    const closes = history.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    expect(closes).toHaveLength(1);
    expect(history[history.length - 1]).toBe(closes[0]);
    expect((await handle.describe()).raw.workflowExecutionInfo?.status).toBe(
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
    );
    const runs = await client.workflowService.listWorkflowExecutions({
      namespace: 'default',
      query: `WorkflowId = '${handle.workflowId}'`,
    });
    expect(runs.executions).toHaveLength(1);
    return history;
  }

  /** At least once: every attempt ran at most once, and none ran that the server did not start. */
  function expectSideEffectsAtLeastOnce(
    workflowId: string,
    history: temporal.api.history.v1.IHistoryEvent[],
  ) {
    const attempts = activities.sideEffects.filter((e) => e.workflowId === workflowId).map((e) => e.attempt);
    const startedAttempt = history.find((e) => e.activityTaskStartedEventAttributes)!
      .activityTaskStartedEventAttributes!.attempt!;
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(new Set(attempts).size).toBe(attempts.length);
    expect(Math.max(...attempts)).toBeLessThanOrEqual(startedAttempt);
    return attempts;
  }

  it('finishes a workflow whose workflow task a worker held when the server died', async () => {
    const queue = `${taskQueue}-wft`;
    const handle = await client.workflow.start('survivesServerLoss', {
      taskQueue: queue,
      workflowId: 'crash-during-workflow-task',
      args: [10, 100],
      workflowTaskTimeout: '2s',
    });
    // Take the first workflow task as a worker would, and die with it unanswered.
    const task = await client.workflowService.pollWorkflowTaskQueue({
      namespace: 'default',
      taskQueue: { name: queue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      identity: 'poller lost with the server',
    });
    expect(Number(task.startedEventId)).toBe(3);
    await restart();
    workers.push(await runWorker(address, queue));
    await handle.signal('approve', 'clerk');
    expect(await handle.result()).toBe('effect of crash-during-workflow-task, slept 100, approved by clerk');
    const history = await expectCompletedOnce(handle);
    // The held task timed out on the new server and was given to the new worker.
    expect(history.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)).toHaveLength(
      1,
    );
    expect(expectSideEffectsAtLeastOnce(handle.workflowId, history)).toEqual([1]);
  });

  it('finishes a workflow whose activity was running when the server died, the activity at least once', async () => {
    const handle = await client.workflow.start('survivesServerLoss', {
      taskQueue,
      workflowId: 'crash-during-activity',
      args: [1500, 100],
    });
    await until(async () => (await handle.describe()).raw.pendingActivities?.[0]?.state === 2); // STARTED
    await restart();
    await handle.signal('approve', 'clerk');
    expect(await handle.result()).toBe('effect of crash-during-activity, slept 100, approved by clerk');
    const history = await expectCompletedOnce(handle);
    expect(history.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)).toHaveLength(
      1,
    );
    expectSideEffectsAtLeastOnce(handle.workflowId, history);
  });

  it('fires the timers that came due while the server was down, each once', async () => {
    const handles = await Promise.all(
      [1, 2, 3].map((i) =>
        client.workflow.start('survivesServerLoss', {
          taskQueue,
          workflowId: `crash-with-timer-${i}`,
          args: [10, 1000 * i],
        }),
      ),
    );
    for (const handle of handles) await until(has(handle, EventType.EVENT_TYPE_TIMER_STARTED));
    await restart(
      // Stay down until every timer is due.
      () => new Promise((r) => setTimeout(r, 3500)),
    );
    for (const [i, handle] of handles.entries()) {
      await handle.signal('approve', 'clerk');
      expect(await handle.result()).toBe(
        `effect of crash-with-timer-${i + 1}, slept ${1000 * (i + 1)}, approved by clerk`,
      );
      const history = await expectCompletedOnce(handle);
      expect(history.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED)).toHaveLength(1);
      // The activity had completed before the crash: nothing runs it again.
      expect(expectSideEffectsAtLeastOnce(handle.workflowId, history)).toEqual([1]);
    }
  });

  it('brings back many workflows killed at whatever point they had reached, each completed once', async () => {
    const handles = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.workflow.start('survivesServerLoss', {
          taskQueue,
          workflowId: `crash-anywhere-${i}`,
          args: [50 * (i % 5), 50 * (i % 7)],
        }),
      ),
    );
    await Promise.all(handles.map((h) => h.signal('approve', 'clerk')));
    await restart();
    for (const [i, handle] of handles.entries()) {
      expect(await handle.result()).toBe(
        `effect of crash-anywhere-${i}, slept ${50 * (i % 7)}, approved by clerk`,
      );
      const history = await expectCompletedOnce(handle);
      expectSideEffectsAtLeastOnce(handle.workflowId, history);
    }
  });
});
