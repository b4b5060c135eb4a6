import { type ChildProcess, spawn } from 'node:child_process';
import { Client, Connection, WorkflowUpdateStage } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { type DevServerHandle, start } from '../../infra/temporal-dev-server';
import type { DynamicConfig } from '../../infra/temporal-dev-server/src/dynamic-config';
import * as activities from './activities';
import { findFreePort } from '../../infra/net';
import { DEV_SERVER_BIN, killServerProcess } from './support';
import { increment } from './workflows';

const { TaskQueueType, EventType } = temporal.api.enums.v1;

type Capabilities = temporal.api.namespace.v1.NamespaceInfo.ICapabilities;

/** An in-process server with the given dynamic config, a client and a worker on one NativeConnection. */
async function serverWith(dynamicConfig: Partial<DynamicConfig>, taskQueue: string) {
  const server = await start({ port: 0, dynamicConfig });
  const connection = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities,
  });
  const running = worker.run();
  return {
    server,
    connection,
    client,
    worker,
    close: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await server.stop();
    },
  };
}

/** The CLI (`server start-dev` with `args`), resolved once it listens. */
function startCli(args: string[]): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [DEV_SERVER_BIN, 'server', 'start-dev', '--ip', '127.0.0.1', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
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

async function capabilitiesOf(client: Client): Promise<Capabilities> {
  const described = await client.workflowService.describeNamespace({ namespace: 'default' });
  return described.namespaceInfo!.capabilities!;
}

function pick(c: Capabilities) {
  return {
    eagerWorkflowStart: !!c.eagerWorkflowStart,
    syncUpdate: !!c.syncUpdate,
    asyncUpdate: !!c.asyncUpdate,
    workerPollCompleteOnShutdown: !!c.workerPollCompleteOnShutdown,
  };
}

describe('dynamic config: defaults (the real server’s)', () => {
  let s: Awaited<ReturnType<typeof serverWith>>;
  const taskQueue = 'dc-defaults';
  beforeAll(async () => {
    s = await serverWith({}, taskQueue);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('DescribeNamespace and ListNamespaces report what the server does; GetSystemInfo agrees on eager start', async () => {
    const caps = await capabilitiesOf(s.client);
    expect(pick(caps)).toEqual({
      eagerWorkflowStart: true,
      syncUpdate: true,
      asyncUpdate: true,
      workerPollCompleteOnShutdown: false,
    });
    // What this server does not serve is not claimed.
    expect(caps.pollerAutoscaling).toBeFalsy();
    expect(caps.workerHeartbeats).toBeFalsy();
    expect(caps.standaloneActivities).toBeFalsy();
    const listed = await s.client.workflowService.listNamespaces({});
    const info = listed.namespaces!.find((n) => n.namespaceInfo?.name === 'default')!.namespaceInfo!;
    expect(pick(info.capabilities!)).toEqual(pick(caps));
    expect(info.supportsSchedules).toBe(true);
    const system = await s.client.workflowService.getSystemInfo({});
    expect(system.capabilities?.eagerWorkflowStart).toBe(true);
  });

  it('grants eager start: the first workflow task comes back with the start and the workflow runs', async () => {
    const handle = await s.client.workflow.start('sleepsThenReturns', {
      taskQueue,
      workflowId: 'eager-granted',
      args: [1],
      requestEagerStart: true,
    });
    expect(handle.eagerlyStarted).toBe(true);
    expect(await handle.result()).toBe('woke');
  });

  it('answers an eager start request with the started task in the raw response', async () => {
    const raw = await Connection.connect({ address: s.server.address });
    const service = raw.workflowService;
    const response = await service.startWorkflowExecution({
      namespace: 'default',
      workflowId: 'eager-raw',
      workflowType: { name: 'sleepsThenReturns' },
      taskQueue: { name: 'dc-no-worker' },
      identity: 'eager-caller',
      requestId: 'eager-raw-1',
      requestEagerExecution: true,
    });
    const task = response.eagerWorkflowTask!;
    expect(Number(task.startedEventId)).toBe(3);
    expect(task.history?.events?.map((e) => e.eventType)).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    ]);
    expect(task.history?.events?.[2].workflowTaskStartedEventAttributes?.identity).toBe('eager-caller');
    // The same request again (a retried call) does not hand out the task a second time.
    const again = await service.startWorkflowExecution({
      namespace: 'default',
      workflowId: 'eager-raw',
      workflowType: { name: 'sleepsThenReturns' },
      taskQueue: { name: 'dc-no-worker' },
      requestId: 'eager-raw-1',
      requestEagerExecution: true,
    });
    expect(again.runId).toBe(response.runId);
    expect(again.eagerWorkflowTask).toBeFalsy();
    await raw.close();
  });

  it('refuses an update that waits only for Admitted, as the real frontend', async () => {
    const handle = await s.client.workflow.start('counter', { taskQueue, workflowId: 'dc-admitted' });
    await expect(
      s.client.workflowService.updateWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId: handle.workflowId },
        waitPolicy: {
          lifecycleStage:
            temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage
              .UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED,
        },
        request: { meta: { updateId: 'u-admitted' }, input: { name: 'increment' } },
      }),
    ).rejects.toMatchObject({
      code: 7,
      message:
        'UpdateWorkflowExecution issued asynchronously and waiting on update admitted is not supported.',
    });
    await handle.terminate();
  });

  it('leaves polls alone on ShutdownWorker while frontend.enableCancelWorkerPollsOnShutdown is off', async () => {
    const queue = 'dc-shutdown-off';
    const poll = s.client.workflowService.pollWorkflowTaskQueue({
      namespace: 'default',
      taskQueue: { name: queue },
      identity: 'leaving-worker',
      workerInstanceKey: 'instance-off',
    });
    await s.client.workflowService.shutdownWorker({
      namespace: 'default',
      identity: 'leaving-worker',
      workerInstanceKey: 'instance-off',
      taskQueue: queue,
      taskQueueTypes: [TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
    });
    // The poll is still waiting: the next task on the queue goes to it.
    const started = await s.client.workflow.start('sleepsThenReturns', {
      taskQueue: queue,
      workflowId: 'dc-shutdown-off',
      args: [1],
    });
    const task = await poll;
    expect(task.workflowExecution?.workflowId).toBe(started.workflowId);
    await started.terminate();
  });
});

describe('dynamic config: every SDK-relevant key switched (CLI --dynamic-config-value)', () => {
  let serverProcess: ChildProcess;
  let nativeConnection: NativeConnection;
  let grpc: Connection;
  let env: { client: Client; nativeConnection: NativeConnection };
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = 'dc-switched';

  beforeAll(async () => {
    // The CLI as @temporalio/testing starts it, with the SDK's own dynamic config values first.
    const port = await findFreePort();
    serverProcess = await startCli([
      '--port',
      String(port),
      '--dynamic-config-value',
      'frontend.enableServerVersionCheck=false',
      '--dynamic-config-value',
      'frontend.enableUpdateWorkflowExecution=true',
      '--dynamic-config-value',
      'frontend.enableCancelWorkerPollsOnShutdown=true',
      '--dynamic-config-value',
      'frontend.enableUpdateWorkflowExecutionAsyncAccepted=false',
      '--dynamic-config-value',
      'system.enableEagerWorkflowStart=false',
    ]);
    nativeConnection = await NativeConnection.connect({ address: `127.0.0.1:${port}` });
    // A plain gRPC client for the raw calls (errors with their details), as the testing env's.
    grpc = await Connection.connect({ address: `127.0.0.1:${port}` });
    env = { client: new Client({ connection: grpc }), nativeConnection };
    worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities,
    });
    running = worker.run();
  });
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await grpc?.close();
    await nativeConnection?.close();
    if (serverProcess) await killServerProcess(serverProcess);
  });

  it('reports the switched capabilities (the SDK’s own true for updates, from its argument list, kept)', async () => {
    const client = new Client({ connection: env.nativeConnection });
    expect(pick(await capabilitiesOf(client))).toEqual({
      eagerWorkflowStart: false,
      syncUpdate: true,
      asyncUpdate: false,
      workerPollCompleteOnShutdown: true,
    });
    expect((await client.workflowService.getSystemInfo({})).capabilities?.eagerWorkflowStart).toBe(false);
  });

  it('does not grant eager start; the workflow still runs through the task queue', async () => {
    const client = new Client({ connection: env.nativeConnection });
    const handle = await client.workflow.start('sleepsThenReturns', {
      taskQueue,
      workflowId: 'eager-denied',
      args: [1],
      requestEagerStart: true,
    });
    expect(handle.eagerlyStarted).toBe(false);
    expect(await handle.result()).toBe('woke');
  });

  it('refuses an update waiting for Accepted with the real error, and serves one waiting for completion', async () => {
    const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: 'dc-async' });
    const refused: unknown = await handle
      .startUpdate(increment, { args: [1], waitForStage: WorkflowUpdateStage.ACCEPTED })
      .catch((err: unknown) => err);
    expect((refused as Error).cause).toMatchObject({
      code: 7,
      details:
        'UpdateWorkflowExecution issued asynchronously and waiting on update accepted is disabled on this namespace.',
    });
    expect(await handle.executeUpdate(increment, { args: [10] })).toBe(10);
    expect(await handle.result()).toBe(10);
  });

  it('answers the polls of a worker that calls ShutdownWorker, and only that worker’s', async () => {
    const queue = 'dc-shutdown-on';
    const leaving = env.client.workflowService.pollActivityTaskQueue({
      namespace: 'default',
      taskQueue: { name: queue },
      identity: 'leaving-worker',
      workerInstanceKey: 'instance-leaving',
    });
    const staying = env.client.workflowService.pollWorkflowTaskQueue({
      namespace: 'default',
      taskQueue: { name: queue },
      identity: 'staying-worker',
      workerInstanceKey: 'instance-staying',
    });
    await env.client.workflowService.shutdownWorker({
      namespace: 'default',
      identity: 'leaving-worker',
      workerInstanceKey: 'instance-leaving',
      taskQueue: queue,
    });
    const answer = await leaving;
    expect(answer.taskToken?.length ?? 0).toBe(0);
    // The other worker's poll still waits: the next task goes to it.
    const started = await env.client.workflow.start('sleepsThenReturns', {
      taskQueue: queue,
      workflowId: 'dc-shutdown-on',
      args: [1],
    });
    expect((await staying).workflowExecution?.workflowId).toBe(started.workflowId);
    await started.terminate();
  });

  it('lets an SDK worker that relies on it (graceful poll shutdown) stop', async () => {
    worker.shutdown();
    await running;
    expect(worker.getState()).toBe('STOPPED');
  });
});

describe('dynamic config: updates switched off, unknown keys reported', () => {
  let server: DevServerHandle;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    server = await start({ port: 0, dynamicConfig: { enableUpdateWorkflowExecution: false } });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  });

  it('refuses updates with the real server’s PermissionDenied, update-with-start too', async () => {
    expect(pick(await capabilitiesOf(client))).toMatchObject({ syncUpdate: false, asyncUpdate: false });
    const handle = await client.workflow.start('counter', {
      taskQueue: 'dc-no-updates',
      workflowId: 'dc-off',
    });
    await expect(
      client.workflowService.updateWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId: handle.workflowId },
        waitPolicy: {
          lifecycleStage:
            temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage
              .UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
        },
        request: { meta: { updateId: 'u1' }, input: { name: 'increment' } },
      }),
    ).rejects.toMatchObject({
      code: 7,
      details: 'UpdateWorkflowExecution operation is disabled on this namespace.',
    });
    await expect(
      client.workflowService.executeMultiOperation({
        namespace: 'default',
        operations: [
          {
            startWorkflow: {
              namespace: 'default',
              workflowId: 'dc-uws',
              workflowType: { name: 'counter' },
              taskQueue: { name: 'dc-no-updates' },
              requestId: 'uws-1',
            },
          },
          {
            updateWorkflow: {
              namespace: 'default',
              workflowExecution: { workflowId: 'dc-uws' },
              request: { meta: { updateId: 'u2' }, input: { name: 'increment' } },
            },
          },
        ],
      }),
    ).rejects.toMatchObject({ code: 7, details: 'Update-with-Start could not be executed.' });
    // Nothing was started by the refused update-with-start.
    await expect(
      client.workflowService.describeWorkflowExecution({
        namespace: 'default',
        execution: { workflowId: 'dc-uws' },
      }),
    ).rejects.toMatchObject({ code: 5 });
    await handle.terminate();
  });

  it('reports a key it does not know once on stderr at start, and refuses a bad value of a known one', async () => {
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          DEV_SERVER_BIN,
          'server',
          'start-dev',
          '--port',
          '0',
          '--dynamic-config-value',
          'history.noSuchKey=5',
          '--dynamic-config-value',
          'history.noSuchKey=6',
          '--dynamic-config-value',
          'frontend.enableServerVersionCheck=false',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let err = '';
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      child.stdout!.on('data', (c: Buffer) => {
        if (c.toString().includes('listening on')) child.kill('SIGTERM');
      });
      child.on('exit', () => resolve(err));
      child.on('error', reject);
    });
    expect(stderr.match(/history\.noSuchKey/g)).toHaveLength(1);
    expect(stderr).toContain('dynamic config key history.noSuchKey is not known to this server; ignored');
    expect(stderr).not.toContain('enableServerVersionCheck');

    const refused = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          DEV_SERVER_BIN,
          'server',
          'start-dev',
          '--port',
          '0',
          '--dynamic-config-value',
          'system.enableEagerWorkflowStart=yes',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let err = '';
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      child.on('exit', (code) => resolve({ code, stderr: err }));
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('system.enableEagerWorkflowStart needs true or false');
  });
});
