import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DevServerHandle, InMemoryStorage, start } from '../../infra/temporal-dev-server';
import { ConcurrencyError, RunMutation } from '../../infra/temporal-dev-server/src/storage/storage';
import * as activities from './activities';

const { WorkflowExecutionStatus } = temporal.api.enums.v1;

function mutation(runKey: string, expectedNextEventId: number, eventIds: number[]): RunMutation {
  const historyFrom = eventIds[0] ?? expectedNextEventId;
  const nextEventId = historyFrom + eventIds.length;
  return {
    runKey,
    expectedNextEventId,
    historyFrom,
    newEvents: eventIds.map((eventId) => ({ eventId })),
    execution: {
      runKey,
      namespace: 'default',
      workflowId: runKey,
      runId: runKey,
      status: WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
      nextEventId,
      state: {},
    },
    timers: [{ runKey, kind: 'user-timer', ref: 't', at: 1000 + nextEventId }],
    tasks: [],
    visibility: {
      namespace: 'default',
      workflowId: runKey,
      runId: runKey,
      workflowType: 'w',
      status: WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
      startTime: 0,
      executionTime: 0,
      taskQueue: 'q',
      historyLength: nextEventId - 1,
      memo: {},
      searchAttributes: {},
    },
  };
}

describe('storage contract (in-memory implementation)', () => {
  it('refuses a change computed from a stale next event id, and writes nothing of that commit', async () => {
    const storage = new InMemoryStorage();
    await storage.commit([mutation('a', 1, [1, 2])]);
    await expect(storage.commit([mutation('b', 1, [1]), mutation('a', 1, [1])])).rejects.toThrow(
      ConcurrencyError,
    );
    // The valid half of the failed commit was not written either.
    expect(await storage.readHistory('b')).toEqual([]);
    expect((await storage.readHistory('a')).map((e) => e.eventId)).toEqual([1, 2]);
    await storage.commit([mutation('a', 3, [3])]);
    expect((await storage.readHistory('a', 2)).map((e) => e.eventId)).toEqual([2, 3]);
  });

  it('refuses gaps in event ids', async () => {
    const storage = new InMemoryStorage();
    await expect(storage.commit([mutation('a', 1, [1, 3])])).rejects.toThrow(ConcurrencyError);
    await expect(storage.commit([mutation('a', 1, [2])])).rejects.toThrow(ConcurrencyError);
  });

  it('replaces the tail of a history (a dropped speculative task) and the run’s timers', async () => {
    const storage = new InMemoryStorage();
    await storage.commit([mutation('a', 1, [1, 2, 3, 4])]);
    await storage.commit([mutation('a', 5, [3])]);
    expect((await storage.readHistory('a')).map((e) => e.eventId)).toEqual([1, 2, 3]);
    expect(await storage.loadTimers()).toEqual([{ runKey: 'a', kind: 'user-timer', ref: 't', at: 1004 }]);
    expect((await storage.listVisibility('default')).map((v) => v.historyLength)).toEqual([3]);
  });
});

describe('the engine writes every change through its storage', () => {
  let server: DevServerHandle;
  let storage: InMemoryStorage;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = 'storage';

  beforeAll(async () => {
    storage = new InMemoryStorage();
    server = await start({ port: 0, storage });
    client = new Client({ connection: await Connection.connect({ address: server.address }) });
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities,
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await client?.connection.close();
    await server?.stop();
  });

  it('stores the same history the server serves, the closed status and the visibility row', async () => {
    const handle = await client.workflow.start('everything', {
      taskQueue,
      workflowId: 'stored-everything',
      args: ['db'],
    });
    await handle.signal('approve', 'clerk');
    await handle.executeUpdate('setLimit', { args: [3] });
    await handle.result();
    const served = (await handle.fetchHistory()).events!;
    const runKey = `default/stored-everything/${handle.firstExecutionRunId}`;
    const stored = await storage.readHistory(runKey);
    expect(stored.map((e) => [e.eventId, e.eventType])).toEqual(
      served.map((e) => [Number(e.eventId), e.eventType]),
    );
    const [execution] = (await storage.loadExecutions()).filter((e) => e.runKey === runKey);
    expect(execution.status).toBe(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    expect(execution.nextEventId).toBe(served.length + 1);
    const row = (await storage.listVisibility('default')).find((v) => v.workflowId === 'stored-everything');
    expect(row).toMatchObject({ workflowType: 'everything', historyLength: served.length });
  });

  it('stores the due time of a pending timer and the task waiting for a worker', async () => {
    const sleeping = await client.workflow.start('sleepsLong', { taskQueue, workflowId: 'stored-timer' });
    const before = Date.now();
    for (;;) {
      const timers = await storage.loadTimers();
      const timer = timers.find((t) => t.runKey.includes('stored-timer') && t.kind === 'user-timer');
      if (timer) {
        expect(timer.at).toBeGreaterThan(before + 23 * 3600_000);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await sleeping.terminate();
    expect((await storage.loadTimers()).filter((t) => t.runKey.includes('stored-timer'))).toEqual([]);

    await client.workflow.start('waitsForSignal', { taskQueue: 'no-worker-here', workflowId: 'stored-task' });
    const tasks = await storage.loadTasks('no-worker-here');
    expect(tasks).toEqual([expect.objectContaining({ kind: 'workflow', scheduledEventId: 2, attempt: 1 })]);
  });

  it('keeps no trace of a rejected update in storage either', async () => {
    const handle = await client.workflow.start('everything', {
      taskQueue,
      workflowId: 'stored-rejected-update',
      args: ['x'],
    });
    await handle.signal('approve', 'x');
    while ((await handle.query('status')) !== 'approved') await new Promise((r) => setTimeout(r, 50));
    const runKey = `default/stored-rejected-update/${handle.firstExecutionRunId}`;
    const before = (await storage.readHistory(runKey)).length;
    await expect(handle.executeUpdate('setLimit', { args: [-1] })).rejects.toThrow(WorkflowUpdateFailedError);
    expect((await storage.readHistory(runKey)).length).toBe(before);
    await handle.executeUpdate('setLimit', { args: [1] });
    await handle.result();
  });
});
