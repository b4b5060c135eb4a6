import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DevServerHandle, InMemoryStorage, PostgresStorage, start } from '../../infra/temporal-dev-server';
import { ConcurrencyError, RunMutation, Storage } from '../../infra/temporal-dev-server/src/storage/storage';
import { createTestDatabase } from '../support/database';
import * as activities from './activities';

const { EventType, WorkflowExecutionStatus } = temporal.api.enums.v1;

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

/** Each implementation, opened on an empty store; the PostgreSQL one on a fresh test database. */
const implementations: Array<[string, () => Promise<{ storage: Storage; done(): Promise<void> }>]> = [
  ['in-memory', async () => ({ storage: new InMemoryStorage(), done: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const db = await createTestDatabase('devserver');
      const storage = await PostgresStorage.open(db.url);
      return {
        storage,
        done: async () => {
          await storage.close();
          await db.drop();
        },
      };
    },
  ],
];

describe.each(implementations)('storage contract (%s)', (_name, open) => {
  let storage: Storage;
  let done: () => Promise<void>;
  beforeEach(async () => {
    ({ storage, done } = await open());
  });
  afterEach(() => done());

  it('refuses a change computed from a stale next event id, and writes nothing of that commit', async () => {
    await storage.commit([mutation('a', 1, [1, 2])]);
    await expect(storage.commit([mutation('b', 1, [1]), mutation('a', 1, [1])])).rejects.toThrow(
      ConcurrencyError,
    );
    // The valid half of the failed commit was not written either.
    expect(await storage.readHistory('b')).toEqual([]);
    expect(await storage.loadExecutions()).toHaveLength(1);
    expect((await storage.listVisibility('default')).map((v) => v.workflowId)).toEqual(['a']);
    expect((await storage.readHistory('a')).map((e) => e.eventId)).toEqual([1, 2]);
    await storage.commit([mutation('a', 3, [3])]);
    expect((await storage.readHistory('a', 2)).map((e) => e.eventId)).toEqual([2, 3]);
    expect((await storage.readHistory('a', 1, 3)).map((e) => e.eventId)).toEqual([1, 2]);
  });

  it('refuses gaps in event ids', async () => {
    await expect(storage.commit([mutation('a', 1, [1, 3])])).rejects.toThrow(ConcurrencyError);
    await expect(storage.commit([mutation('a', 1, [2])])).rejects.toThrow(ConcurrencyError);
    expect(await storage.loadExecutions()).toEqual([]);
  });

  it('replaces the tail of a history (a dropped speculative task) and the run’s timers', async () => {
    await storage.commit([mutation('a', 1, [1, 2, 3, 4])]);
    await storage.commit([mutation('a', 5, [3])]);
    expect((await storage.readHistory('a')).map((e) => e.eventId)).toEqual([1, 2, 3]);
    expect(await storage.loadTimers()).toEqual([{ runKey: 'a', kind: 'user-timer', ref: 't', at: 1004 }]);
    expect((await storage.listVisibility('default')).map((v) => v.historyLength)).toEqual([3]);
  });

  it('gives back events, execution state, tasks and visibility rows as they were written, payload bytes included', async () => {
    const data = Buffer.from([0, 1, 2, 250, 255]);
    const m = mutation('p', 1, [1]);
    m.newEvents = [
      {
        eventId: 1,
        eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        eventTime: { seconds: 1700000000, nanos: 5 },
        workflowExecutionStartedEventAttributes: {
          workflowType: { name: 'w' },
          input: { payloads: [{ metadata: { encoding: Buffer.from('binary/plain') }, data }] },
        },
      },
    ];
    m.execution.state = { startRequest: { input: { payloads: [{ data }] } }, nested: [1, 'two', null] };
    m.tasks = [
      { runKey: 'p', kind: 'activity', namespace: 'default', queue: 'q1', scheduledEventId: 5, attempt: 2 },
    ];
    m.visibility.memo = { fields: { note: { data } } };
    m.visibility.closeTime = 1700000000123;
    await storage.commit([m]);
    expect(await storage.readHistory('p')).toEqual(m.newEvents);
    expect(await storage.loadExecutions({ openOnly: true })).toEqual([m.execution]);
    expect(await storage.loadTasks('q1')).toEqual(m.tasks);
    expect(await storage.loadTasks('q2')).toEqual([]);
    expect(await storage.listVisibility('default')).toEqual([m.visibility]);
    expect(await storage.listVisibility('other')).toEqual([]);

    const closed = mutation('p', 2, []);
    closed.execution.status = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED;
    closed.timers = [];
    await storage.commit([closed]);
    expect(await storage.loadExecutions({ openOnly: true })).toEqual([]);
    expect(await storage.loadExecutions()).toHaveLength(1);
    expect(await storage.loadTimers()).toEqual([]);
    expect(await storage.loadTasks()).toEqual([]);
  });

  it('pages open runs by key, finds a run and a workflow id’s latest, and deletes runs closed before a time', async () => {
    const COMPLETED = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED;
    const caseRun = (key: string, startTime: number, closeTime?: number) => {
      const m = mutation(key, 1, [1]);
      m.execution.workflowId = 'case';
      m.visibility.workflowId = 'case';
      m.visibility.startTime = startTime;
      if (closeTime !== undefined) {
        m.execution.status = COMPLETED;
        m.visibility.status = COMPLETED;
        m.visibility.closeTime = closeTime;
        m.timers = [];
      }
      return m;
    };
    await storage.commit([caseRun('r1', 100, 200), caseRun('r2', 300, 400), caseRun('r3', 500)]);
    await storage.commit([mutation('o1', 1, [1]), mutation('o2', 1, [1])]);

    const first = await storage.loadExecutions({ openOnly: true, limit: 2 });
    expect(first.map((e) => e.runKey)).toEqual(['o1', 'o2']);
    const next = await storage.loadExecutions({ openOnly: true, afterRunKey: 'o2', limit: 2 });
    expect(next.map((e) => e.runKey)).toEqual(['r3']);
    expect((await storage.loadExecution('r2'))?.status).toBe(COMPLETED);
    expect(await storage.loadExecution('nowhere')).toBeUndefined();
    expect((await storage.latestExecution('default', 'case'))?.runKey).toBe('r3');
    expect(await storage.latestExecution('default', 'other-case')).toBeUndefined();

    expect(await storage.deleteClosedRuns('other', 1000)).toEqual([]);
    expect(await storage.deleteClosedRuns('default', 300)).toEqual(['r1']);
    expect(await storage.loadExecution('r1')).toBeUndefined();
    expect(await storage.readHistory('r1')).toEqual([]);
    expect((await storage.listVisibility('default')).map((v) => v.runId).sort()).toEqual([
      'o1',
      'o2',
      'r2',
      'r3',
    ]);
    // Selected on the built-in columns a List/Count query requires.
    const runIds = async (filter: Parameters<Storage['listVisibility']>[1]) =>
      (await storage.listVisibility('default', filter)).map((v) => v.runId).sort();
    expect(await runIds({ workflowIds: ['case'] })).toEqual(['r2', 'r3']);
    expect(await runIds({ workflowIds: ['case', 'o1'], statuses: [COMPLETED] })).toEqual(['r2']);
    expect(await runIds({ runIds: ['o2', 'r3'], workflowTypes: ['w'] })).toEqual(['o2', 'r3']);
    expect(await runIds({ workflowTypes: ['other'] })).toEqual([]);
    expect(await runIds({ statuses: [] })).toEqual([]);
    // An open run is never deleted, however old.
    expect(await storage.deleteClosedRuns('default', 10_000)).toEqual(['r2']);
    expect((await storage.latestExecution('default', 'case'))?.runKey).toBe('r3');
  });

  it('keeps namespaces with their custom search attributes', async () => {
    await storage.putNamespace({
      name: 'ns',
      description: { namespaceInfo: { name: 'ns' } },
      searchAttributes: {},
    });
    await storage.putNamespace({
      name: 'ns',
      description: { namespaceInfo: { name: 'ns', description: 'second' } },
      searchAttributes: { CaseNumber: 2 },
    });
    expect(await storage.loadNamespaces()).toEqual([
      {
        name: 'ns',
        description: { namespaceInfo: { name: 'ns', description: 'second' } },
        searchAttributes: { CaseNumber: 2 },
      },
    ]);
  });
});

describe('PostgreSQL storage shared by two writers', () => {
  it('lets only one of two commits computed from the same next event id through', async () => {
    const db = await createTestDatabase('devserver');
    // Opening twice also migrates twice: the second finds the schema at its version.
    const [one, two] = await Promise.all([PostgresStorage.open(db.url), PostgresStorage.open(db.url)]);
    try {
      await one.commit([mutation('a', 1, [1])]);
      const results = await Promise.allSettled([
        one.commit([mutation('a', 2, [2, 3])]),
        two.commit([mutation('a', 2, [2])]),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const [rejected] = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected.reason).toBeInstanceOf(ConcurrencyError);
      const history = (await two.readHistory('a')).map((e) => e.eventId);
      const [execution] = await two.loadExecutions();
      expect(execution.nextEventId).toBe(history.length + 1);
    } finally {
      await one.close();
      await two.close();
      await db.drop();
    }
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

/** Opens the same store again after a server closed it (in memory: the same object). */
const reopenable: Array<[string, () => Promise<{ open(): Promise<Storage>; done(): Promise<void> }>]> = [
  [
    'in-memory',
    async () => {
      const storage = new InMemoryStorage();
      return { open: async () => storage, done: async () => undefined };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const db = await createTestDatabase('devserver');
      return { open: () => PostgresStorage.open(db.url), done: () => db.drop() };
    },
  ],
];

describe.each(reopenable)('a restart of the server on the same storage (%s)', (name, store) => {
  const taskQueue = `restart-${name}`;

  async function runningWorker(address: string, withActivities: boolean) {
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address }),
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities: withActivities ? activities : {},
    });
    const running = worker.run();
    return {
      stop: async () => {
        worker.shutdown();
        await running;
      },
    };
  }

  async function until(check: () => Promise<boolean>): Promise<void> {
    while (!(await check())) await new Promise((r) => setTimeout(r, 50));
  }

  it('loses nothing: timers fire, queued activities are served, waiting workflows get their signals', async () => {
    const stored = await store();
    const first = await start({ port: 0, storage: await stored.open() });
    let client = new Client({ connection: await Connection.connect({ address: first.address }) });
    // This worker has no activities: the activity task stays queued across the restart.
    const worker = await runningWorker(first.address, false);
    const waiting = await client.workflow.start('waitsForSignal', {
      taskQueue,
      workflowId: 'restart-signal',
    });
    const queued = await client.workflow.start('slowActivity', {
      taskQueue,
      workflowId: 'restart-activity',
      args: [50],
    });
    const sleeping = await client.workflow.start('sleepsThenReturns', {
      taskQueue,
      workflowId: 'restart-timer',
      args: [1500],
    });
    const has = (handle: typeof waiting, type: number) => async () =>
      (await handle.fetchHistory()).events!.some((e) => e.eventType === type);
    await until(has(waiting, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED));
    await until(has(queued, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED));
    await until(has(sleeping, EventType.EVENT_TYPE_TIMER_STARTED));
    await worker.stop();
    await client.connection.close();
    await first.stop();

    const second = await start({ port: first.port, storage: await stored.open() });
    client = new Client({ connection: await Connection.connect({ address: second.address }) });
    const replacement = await runningWorker(second.address, true);
    try {
      await client.workflow.getHandle('restart-signal').signal('approve', 'after restart');
      expect(await client.workflow.getHandle('restart-signal').result()).toBe('after restart');
      expect(await client.workflow.getHandle('restart-activity').result()).toBe('slept 50');
      expect(await client.workflow.getHandle('restart-timer').result()).toBe('woke');
      const events = (await client.workflow.getHandle('restart-timer').fetchHistory()).events!;
      expect(events.map((e) => Number(e.eventId))).toEqual(events.map((_, i) => i + 1));
      expect(events.map((e) => e.eventType)).toContain(EventType.EVENT_TYPE_TIMER_FIRED);
      // The search for closed runs and their histories works across the restart too.
      const listed = await client.workflowService.listWorkflowExecutions({
        namespace: 'default',
        query: `WorkflowId = 'restart-timer'`,
      });
      expect(listed.executions).toHaveLength(1);
    } finally {
      await replacement.stop();
      await client.connection.close();
      await second.stop();
      await stored.done();
    }
  });
});

describe('a failed write to storage', () => {
  it('fails the request that caused it and tells the server, which must not go on ahead of storage', async () => {
    const storage = new InMemoryStorage();
    const failures: unknown[] = [];
    const server = await start({ port: 0, storage, onStorageFailure: (err) => failures.push(err) });
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    try {
      storage.commit = () => Promise.reject(new Error('disk full'));
      await expect(
        client.workflow.start('waitsForSignal', { taskQueue: 'nowhere', workflowId: 'write-fails' }),
      ).rejects.toThrow();
      expect(failures).toEqual([new Error('disk full')]);
    } finally {
      await client.connection.close();
      await server.stop();
    }
  });
});
