import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DevServerHandle, InMemoryStorage, PostgresStorage, start } from '../../infra/temporal-dev-server';
import type { Storage } from '../../infra/temporal-dev-server/src/storage/storage';
import { createTestDatabase } from '../support/database';
import * as activities from './activities';

const { EventType, WorkflowExecutionStatus } = temporal.api.enums.v1;

/** Each storage, opened again on the same data after a server closed it (in memory: the same object). */
const storages: Array<[string, () => Promise<{ open(): Promise<Storage>; done(): Promise<void> }>]> = [
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

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

describe.each(storages)('closed runs and histories live in storage (%s)', (name, store) => {
  const taskQueue = `memory-model-${name}`;
  let stored: Awaited<ReturnType<typeof store>>;
  let server: DevServerHandle;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;

  /** No history cache and no closed-run cache: everything not being written is read from storage. */
  async function startServer(port = 0): Promise<void> {
    server = await start({
      port,
      storage: await stored.open(),
      historyCacheSize: 0,
      closedRunCacheSize: 0,
      retentionSweepIntervalMs: 0,
    });
    client = new Client({ connection: await Connection.connect({ address: server.address }) });
    // Not sticky: every workflow task carries the whole history, read back from storage.
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities,
      maxCachedWorkflows: 0,
    });
    running = worker.run();
  }

  async function stopServer(): Promise<void> {
    worker.shutdown();
    await running;
    await client.connection.close();
    await server.stop();
  }

  beforeAll(async () => {
    stored = await store();
    await startServer();
  });
  afterAll(async () => {
    await stopServer();
    await stored.done();
  });

  it('runs a workflow with activity, timer, signal and update with no history kept in memory', async () => {
    const handle = await client.workflow.start('everything', {
      taskQueue,
      workflowId: `${name}-everything`,
      args: ['storage'],
    });
    await handle.signal('approve', 'clerk');
    await until(async () => (await handle.query('status')) === 'approved');
    expect(await handle.executeUpdate('setLimit', { args: [2] })).toBe(4);
    expect(await handle.result()).toBe('hello storage; approved by clerk; limit 2; patched; 36');
    const events = (await handle.fetchHistory()).events!;
    expect(events.map((e) => Number(e.eventId))).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    expect(server.engine.store.cachedRuns).toBe(0);
  });

  it('keeps an idle open run in memory without its events', async () => {
    const handle = await client.workflow.start('waitsForSignal', {
      taskQueue,
      workflowId: `${name}-idle`,
    });
    const runKey = `default/${name}-idle/${handle.firstExecutionRunId}`;
    const run = () => server.engine.runsById.get(handle.firstExecutionRunId)!;
    await until(() => run().lastCompletedWftEventId > 0);
    await server.engine.durable();
    expect(server.engine.store.inMemory(runKey, 1)).toBe(false);
    expect(server.engine.store.read(runKey, run().nextEventId)).toEqual([]);
    await handle.signal('approve', 'later');
    expect(await handle.result()).toBe('later');
  });

  it('lets a closed run leave memory and serves it from storage: describe, history, query, list, count', async () => {
    const handle = await client.workflow.start('everything', {
      taskQueue,
      workflowId: `${name}-closed`,
      args: ['closed'],
    });
    await handle.signal('approve', 'clerk');
    await handle.executeUpdate('setLimit', { args: [1] });
    await handle.result();
    const runId = handle.firstExecutionRunId;
    const runKey = `default/${name}-closed/${runId}`;
    await until(() => !server.engine.runsById.has(runId));
    expect(server.engine.closedRunsInMemory).toBe(0);

    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
    const stored = await server.storage.readHistory(runKey);
    expect(description.historyLength).toBe(stored.length);
    const events = (await handle.fetchHistory()).events!;
    expect(events.map((e) => [Number(e.eventId), e.eventType])).toEqual(
      stored.map((e) => [e.eventId, e.eventType]),
    );
    // A query on a closed run replays its whole history on a worker.
    expect(await handle.query('status')).toBe('approved');
    await until(() => !server.engine.runsById.has(runId));

    await expect(handle.signal('approve', 'too late')).rejects.toThrow(WorkflowNotFoundError);
    await expect(
      client.workflow.start('everything', {
        taskQueue,
        workflowId: `${name}-closed`,
        args: ['again'],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    ).rejects.toThrow(WorkflowExecutionAlreadyStartedError);

    const listed = await client.workflowService.listWorkflowExecutions({
      namespace: 'default',
      query: `WorkflowId = '${name}-closed'`,
    });
    expect(listed.executions.map((e) => [e.execution?.runId, e.status])).toEqual([
      [runId, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED],
    ]);
    const counted = await client.workflowService.countWorkflowExecutions({
      namespace: 'default',
      query: `WorkflowId = '${name}-closed' AND ExecutionStatus = 'Completed'`,
    });
    expect(Number(counted.count)).toBe(1);
  });

  it('applies the id reuse policy of a closed run that is only in storage', async () => {
    const workflowId = `${name}-reuse`;
    const first = await client.workflow.start('waitsForSignal', { taskQueue, workflowId });
    await first.terminate('done with it');
    await until(() => !server.engine.runsById.has(first.firstExecutionRunId));
    await expect(
      client.workflow.start('waitsForSignal', {
        taskQueue,
        workflowId,
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      }),
    ).resolves.toBeDefined();
    const second = client.workflow.getHandle(workflowId);
    await second.signal('approve', 'second');
    expect(await second.result()).toBe('second');
    const runs = await client.workflowService.listWorkflowExecutions({
      namespace: 'default',
      query: `WorkflowId = '${workflowId}'`,
    });
    expect(runs.executions.map((e) => e.status).sort()).toEqual([
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
    ]);
  });

  it('after a restart holds only the open runs in memory and still serves the closed ones', async () => {
    const open = await client.workflow.start('waitsForSignal', { taskQueue, workflowId: `${name}-open` });
    await until(
      () => (server.engine.runsById.get(open.firstExecutionRunId)?.lastCompletedWftEventId ?? 0) > 0,
    );
    const port = server.port;
    await stopServer();
    await startServer(port);

    expect([...server.engine.runsById.keys()]).toEqual([open.firstExecutionRunId]);
    const closed = client.workflow.getHandle(`${name}-closed`);
    expect((await closed.describe()).status.name).toBe('COMPLETED');
    expect(await closed.query('status')).toBe('approved');
    await client.workflow.getHandle(`${name}-open`).signal('approve', 'after restart');
    expect(await client.workflow.getHandle(`${name}-open`).result()).toBe('after restart');
  });

  it('deletes closed runs once their namespace retention has passed, and only those', async () => {
    const namespace = `${name.toLowerCase().replace(/[^a-z]/g, '')}-short-retention`;
    await client.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('3 days'),
    });
    // Changed per namespace, as on the real server.
    await client.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs('1 hour') },
    });
    const shortClient = new Client({ connection: client.connection, namespace });
    const expiring = await shortClient.workflow.start('waitsForSignal', {
      taskQueue: 'nobody-polls',
      workflowId: 'expiring',
    });
    await expiring.terminate('closed early');
    const staying = await shortClient.workflow.start('waitsForSignal', {
      taskQueue: 'nobody-polls',
      workflowId: 'still-open',
    });
    await server.engine.durable();
    expect(await server.engine.sweepRetention()).toBe(0);

    // Two hours later (server time): past the short retention, within the default namespace's day.
    server.engine.clock.advanceTo(server.engine.clock.now() + 2 * 3600_000);
    expect(await server.engine.sweepRetention()).toBe(1);
    await expect(expiring.describe()).rejects.toThrow(WorkflowNotFoundError);
    expect(await server.storage.loadExecution(`${namespace}/expiring/${expiring.firstExecutionRunId}`)).toBe(
      undefined,
    );
    expect(await server.storage.readHistory(`${namespace}/expiring/${expiring.firstExecutionRunId}`)).toEqual(
      [],
    );
    expect((await staying.describe()).status.name).toBe('RUNNING');
    expect((await client.workflow.getHandle(`${name}-closed`).describe()).status.name).toBe('COMPLETED');
    const counted = await client.workflowService.countWorkflowExecutions({ namespace });
    expect(Number(counted.count)).toBe(1);
    await staying.terminate('test over');
  });
});
