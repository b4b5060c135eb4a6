import { type ChildProcess, spawn } from 'node:child_process';
import { Client, Connection, WorkflowFailedError, WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { findFreePort } from '../../infra/net';
import { createTestDatabase } from '../support/database';
import * as activities from './activities';
import { DEV_SERVER_BIN, killServerProcess, startServerProcess } from './support';

const { EventType, WorkflowExecutionStatus } = temporal.api.enums.v1;

/** The server's test hook: external signals and cancellations are initiated, never delivered. */
const HOLD = 'TEMPORAL_DEV_SERVER_TEST_HOLD_EXTERNAL_REQUESTS';

/** startServerProcess with the hook set (spawn needs the environment explicitly under Jest). */
function startHoldingServer(port: number, dbUrl: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [DEV_SERVER_BIN, 'server', 'start-dev', '--port', String(port), '--ip', '127.0.0.1', '--db-url', dbUrl],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [HOLD]: '1' } },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('listening on')) resolve(child);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('exit', (code, signal) => reject(new Error(`server exited with ${signal ?? code}: ${out}`)));
  });
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

/**
 * A signal and a cancellation to other workflows, initiated (the Initiated events stored) but not
 * delivered when the server is killed: the real server keeps them as transfer tasks and delivers
 * them after a restart, once. Here the server process is killed with both held undelivered (test
 * hook), then started again without the hook.
 */
describe('external signals and cancellations initiated before a SIGKILL of the server', () => {
  let db: { url: string; drop(): Promise<void> };
  let port: number;
  let address: string;
  let server: ChildProcess;
  let client: Client;
  let worker: { stop(): Promise<void> };
  const taskQueue = 'external-requests-crash';

  beforeAll(async () => {
    db = await createTestDatabase('external');
    port = await findFreePort();
    address = `127.0.0.1:${port}`;
    // Only this first server holds the requests; the ones started after the kill deliver them.
    server = await startHoldingServer(port, db.url);
    client = new Client({ connection: await Connection.connect({ address }) });
    const w = await Worker.create({
      connection: await NativeConnection.connect({ address }),
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities,
    });
    const running = w.run();
    worker = {
      stop: async () => {
        w.shutdown();
        await running;
      },
    };
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    if (server) await killServerProcess(server);
    await db?.drop();
  });

  const events = async (handle: WorkflowHandle) => (await handle.fetchHistory()).events!;
  const count = async (handle: WorkflowHandle, type: number) =>
    (await events(handle)).filter((e) => e.eventType === type).length;

  it('delivers each after the restart, once', async () => {
    const signalTarget = await client.workflow.start('waitsForSignal', {
      taskQueue,
      workflowId: 'ext-signal-target',
    });
    const cancelTarget = await client.workflow.start('waitsForSignal', {
      taskQueue,
      workflowId: 'ext-cancel-target',
    });
    const signaller = await client.workflow.start('signalsOther', {
      taskQueue,
      workflowId: 'ext-signaller',
      args: [signalTarget.workflowId],
    });
    const canceller = await client.workflow.start('cancelsOther', {
      taskQueue,
      workflowId: 'ext-canceller',
      args: [cancelTarget.workflowId],
    });
    // Answered only once stored: the Initiated events are in PostgreSQL when they are seen.
    await until(
      async () =>
        (await count(signaller, EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED)) === 1,
    );
    await until(
      async () =>
        (await count(
          canceller,
          EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
        )) === 1,
    );
    expect(await count(signalTarget, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)).toBe(0);
    expect(await count(cancelTarget, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)).toBe(0);

    await killServerProcess(server);
    server = await startServerProcess(port, db.url);

    expect(await signalTarget.result()).toBe('from another workflow');
    expect(await signaller.result()).toBe('sent');
    const cancelled = await cancelTarget.result().catch((err: unknown) => err);
    expect(cancelled).toBeInstanceOf(WorkflowFailedError);
    expect((cancelled as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(await canceller.result()).toBe('cancel requested');

    // Once: and not again after one more restart.
    await killServerProcess(server);
    server = await startServerProcess(port, db.url);
    expect(await count(signalTarget, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)).toBe(1);
    expect(await count(signaller, EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED)).toBe(1);
    expect(await count(cancelTarget, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)).toBe(1);
    expect(await count(canceller, EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED)).toBe(1);
    expect((await cancelTarget.describe()).raw.workflowExecutionInfo?.status).toBe(
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED,
    );
    const tasks = await client.workflowService.describeWorkflowExecution({
      namespace: 'default',
      execution: { workflowId: signaller.workflowId },
    });
    expect(tasks.workflowExecutionInfo?.status).toBe(
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
    );
  });
});
