import { status as grpcStatus } from '@grpc/grpc-js';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLocalEnv, startTestWorker } from './support';

const EventType = temporal.api.enums.v1.EventType;
const TASK_QUEUE = 'conformance';

describe('temporal-dev-server through the official SDK (createLocal + Worker)', () => {
  let env: TestWorkflowEnvironment;
  let worker: { stop(): Promise<void> };
  let n = 0;
  const id = (name: string) => `${name}-${++n}`;

  beforeAll(async () => {
    env = await createLocalEnv();
    worker = await startTestWorker(env, TASK_QUEUE);
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
  });

  const start = (type: string, args: unknown[] = [], workflowId = id(type)) =>
    env.client.workflow.start(type, { taskQueue: TASK_QUEUE, workflowId, args });

  it('runs activities, timers, signals, queries and updates to completion', async () => {
    const handle = await start('everything', ['world']);
    expect(await handle.query('status')).toBe('waiting');
    await handle.signal('approve', 'boss');
    expect(await handle.executeUpdate('setLimit', { args: [21] })).toBe(42);
    expect(await handle.result()).toBe('hello world; approved by boss; limit 21; patched; 36');
    expect(await handle.query('status')).toBe('approved'); // queries on a closed workflow replay its history
    const types = (await handle.fetchHistory()).events!.map((e) => e.eventType);
    for (const t of [
      EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
      EventType.EVENT_TYPE_TIMER_FIRED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
      EventType.EVENT_TYPE_MARKER_RECORDED,
    ]) {
      expect(types).toContain(t);
    }
  });

  it('rejects an update whose validator fails, leaving no events in history', async () => {
    const handle = await start('everything', ['validator']);
    await handle.signal('approve', 'x');
    // Wait until the workflow has nothing left to do but wait for the update.
    while ((await handle.query('status')) !== 'approved') await new Promise((r) => setTimeout(r, 50));
    const before = (await handle.fetchHistory()).events!.length;
    await expect(handle.executeUpdate('setLimit', { args: [-1] })).rejects.toThrow(WorkflowUpdateFailedError);
    expect((await handle.fetchHistory()).events!.length).toBe(before);
    expect(await handle.executeUpdate('setLimit', { args: [1] })).toBe(2);
    expect(await handle.result()).toContain('limit 1');
  });

  it('forgets a rejected update: the same update id sent again is validated again (as on the real server)', async () => {
    const handle = await start('everything', ['rejected-then-retried']);
    await handle.signal('approve', 'x');
    while ((await handle.query('status')) !== 'approved') await new Promise((r) => setTimeout(r, 50));
    await expect(handle.executeUpdate('setLimit', { args: [-1], updateId: 'office-retry' })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );
    // A client told "try later" repeats with the same id; the workflow now accepts it.
    expect(await handle.executeUpdate('setLimit', { args: [3], updateId: 'office-retry' })).toBe(6);
    expect(await handle.result()).toContain('limit 3');
  });

  it('de-duplicates updates by update id: a retried update runs once and gets the same result', async () => {
    const handle = await start('everything', ['dedupe']);
    await handle.signal('approve', 'x');
    const first = await handle.executeUpdate('setLimit', { args: [5], updateId: 'same-update' });
    const again = await handle.executeUpdate('setLimit', { args: [5], updateId: 'same-update' });
    expect([first, again]).toEqual([10, 10]);
    await handle.result();
    const accepted = (await handle.fetchHistory()).events!.filter(
      (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    );
    expect(accepted).toHaveLength(1);
  });

  it('retries a failing activity with backoff until it succeeds', async () => {
    expect(await (await start('retriesThenSucceeds')).result()).toBe(4);
  });

  it('fails the workflow with an ActivityFailure when retries are exhausted', async () => {
    const err = await (await start('failsActivity')).result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ActivityFailure);
    expect((cause as ActivityFailure).cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ActivityFailure).cause?.message).toBe('always fails');
  });

  it('retries a failed workflow under its retry policy, as new runs of the same workflow id', async () => {
    const handle = await env.client.workflow.start('failsUntilAttempt', {
      taskQueue: TASK_QUEUE,
      workflowId: id('workflow-retry'),
      args: [3],
      retry: { initialInterval: '100ms', maximumAttempts: 5 },
    });
    expect(await handle.result()).toBe(3);
    const firstRun = env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    const events = (await firstRun.fetchHistory()).events!;
    const failed = events[events.length - 1].workflowExecutionFailedEventAttributes!;
    expect(failed.failure?.message).toBe('attempt 1 failed');
    expect(failed.newExecutionRunId).toBeTruthy();
    const latest = await env.client.workflow.getHandle(handle.workflowId).fetchHistory();
    const started = latest.events![0].workflowExecutionStartedEventAttributes!;
    expect(started.attempt).toBe(3);
    expect(started.firstExecutionRunId).toBe(handle.firstExecutionRunId);
    expect(started.continuedFailure?.message).toBe('attempt 2 failed');
  });

  it('fails the workflow once its retry policy gives up', async () => {
    const handle = await env.client.workflow.start('failsUntilAttempt', {
      taskQueue: TASK_QUEUE,
      workflowId: id('workflow-retry-exhausted'),
      args: [10],
      retry: { initialInterval: '50ms', maximumAttempts: 2 },
    });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause?.message).toBe('attempt 2 failed');
    expect((err as WorkflowFailedError).retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
  });

  it('reports a workflow failure with its type and message', async () => {
    const err = await (await start('failsItself')).result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toMatchObject({
      type: 'RuleError',
      message: 'business rule broken',
    });
  });

  it('cancels a workflow: the cancellation reaches its timer and cleanup still runs', async () => {
    const handle = await start('sleepsLong');
    await handle.query('__stack_trace').catch(() => undefined);
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const types = (await handle.fetchHistory()).events!.map((e) => e.eventType);
    expect(types).toContain(EventType.EVENT_TYPE_TIMER_CANCELED);
    expect(types).toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    expect(types[types.length - 1]).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
  });

  it('delivers activity cancellation through heartbeats', async () => {
    expect(await (await start('cancelsActivity')).result()).toBe('activity cancelled');
  });

  it('times out an activity that stops heartbeating', async () => {
    const err = await (await start('heartbeatTimesOut')).result().catch((e: unknown) => e);
    const cause = (err as WorkflowFailedError).cause as ActivityFailure;
    expect(cause).toBeInstanceOf(ActivityFailure);
    expect(cause.cause).toBeInstanceOf(TimeoutFailure);
  });

  it('runs a child workflow and returns its result to the parent', async () => {
    expect(await (await start('parent')).result()).toBe('parent got: hello kid');
  });

  it('terminates a workflow', async () => {
    const handle = await start('waitsForSignal');
    await handle.terminate('no longer needed');
    const err = await handle.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    const description = await handle.describe();
    expect(description.status.name).toBe('TERMINATED');
  });

  it('refuses a second start with a running workflow id, and de-duplicates by request id', async () => {
    const workflowId = id('dup');
    const first = await start('waitsForSignal', [], workflowId);
    await expect(start('waitsForSignal', [], workflowId)).rejects.toThrow(
      WorkflowExecutionAlreadyStartedError,
    );
    const req = {
      namespace: 'default',
      workflowId,
      workflowType: { name: 'waitsForSignal' },
      taskQueue: { name: TASK_QUEUE },
      requestId: 'same-request',
      workflowIdConflictPolicy: 2, // USE_EXISTING
    };
    const again = await env.client.workflowService.startWorkflowExecution(req);
    expect(again.runId).toBe(first.firstExecutionRunId);
    expect(again.started).toBe(false);
    await first.signal('approve', 'done');
    expect(await first.result()).toBe('done');
  });

  it('describes a running workflow with its pending activity', async () => {
    const handle = await start('slowActivity', [1500]);
    await new Promise((r) => setTimeout(r, 500));
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.raw.pendingActivities?.[0]?.activityType?.name).toBe('slow');
    expect(await handle.result()).toBe('slept 1500');
  });

  it('signal-with-start starts once and signals the running workflow afterwards', async () => {
    const workflowId = id('sws');
    const handle = await env.client.workflow.signalWithStart('waitsForSignal', {
      taskQueue: TASK_QUEUE,
      workflowId,
      signal: 'approve',
      signalArgs: ['first'],
    });
    expect(await handle.result()).toBe('first');
  });

  it('keeps heartbeat details for the next attempt of a retried activity', async () => {
    expect(await (await start('heartbeatDetailsSurviveRetry')).result()).toBe('attempt 2 resumed after 1');
  });

  it('completes an activity by workflow and activity id (the ...ById calls)', async () => {
    const handle = await start('waitsForExternalCompletion');
    for (;;) {
      const description = await handle.describe();
      if (description.raw.pendingActivities?.[0]?.state === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await env.client.activity.complete(
      { workflowId: handle.workflowId, activityId: 'external' },
      'done by a clerk',
    );
    expect(await handle.result()).toBe('done by a clerk');
  });

  it('times out a workflow that outlives its run timeout', async () => {
    const handle = await env.client.workflow.start('waitsForSignal', {
      taskQueue: TASK_QUEUE,
      workflowId: id('run-timeout'),
      workflowRunTimeout: '1s',
    });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
  });

  it('answers bad requests with the gRPC status the real server gives', async () => {
    const service = env.client.workflowService;
    await expect(
      service.startWorkflowExecution({ namespace: 'default', workflowId: 'x', taskQueue: { name: 'q' } }),
    ).rejects.toMatchObject({ code: grpcStatus.INVALID_ARGUMENT });
    await expect(
      service.signalWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId: 'nope' },
        signalName: 's',
      }),
    ).rejects.toMatchObject({ code: grpcStatus.NOT_FOUND });
    await expect(service.describeNamespace({ namespace: 'no-such-namespace' })).rejects.toMatchObject({
      code: grpcStatus.NOT_FOUND,
    });
    await expect(
      service.respondActivityTaskCompleted({ namespace: 'default', taskToken: Buffer.from('garbage') }),
    ).rejects.toMatchObject({ code: grpcStatus.INVALID_ARGUMENT });
    await expect(service.listBatchOperations({ namespace: 'default' })).rejects.toMatchObject({
      code: grpcStatus.UNIMPLEMENTED,
      details: expect.stringContaining('ListBatchOperations'),
    });
  });

  it('times out a workflow task that no worker completes, and retries it as a transient task that leaves no events until it completes', async () => {
    const service = env.client.workflowService;
    const queue = id('manual-queue');
    const workflowId = id('wft-timeout');
    await service.startWorkflowExecution({
      namespace: 'default',
      workflowId,
      workflowType: { name: 'anything' },
      taskQueue: { name: queue },
      workflowTaskTimeout: msToTs(1000),
      requestId: workflowId,
    });
    const poll = () =>
      service.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: queue }, identity: 'hand' });
    const types = (task: { history?: { events?: { eventType?: unknown }[] | null } | null }) =>
      task.history!.events!.map((e) => e.eventType);
    const first = await poll();
    expect(first.attempt).toBe(1);
    const second = await poll();
    expect(second.attempt).toBe(2);
    expect(types(second)).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    ]);
    await expect(
      service.respondWorkflowTaskCompleted({
        namespace: 'default',
        taskToken: first.taskToken,
        commands: [],
      }),
    ).rejects.toMatchObject({ code: grpcStatus.NOT_FOUND });
    // The retry fails again: nothing is written, the next attempt shows the same history.
    await service.respondWorkflowTaskFailed({ namespace: 'default', taskToken: second.taskToken, cause: 1 });
    const third = await poll();
    expect(third.attempt).toBe(3);
    expect(types(third)).toEqual(types(second));
    expect(third.history!.events![4].workflowTaskScheduledEventAttributes?.attempt).toBe(3);
    const stored = await env.client.workflow.getHandle(workflowId).fetchHistory();
    expect(stored.events).toHaveLength(4);
    // Once it completes, the transient task's events become history as the worker saw them.
    await service.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: third.taskToken,
      commands: [{ commandType: 4 /* COMPLETE_WORKFLOW_EXECUTION */ }],
    });
    const final = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events!;
    expect(final.map((e) => e.eventType)).toEqual([
      ...types(third),
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    ]);
    expect(final[4].workflowTaskScheduledEventAttributes?.attempt).toBe(3);
  });

  it('keeps the history of a workflow whose task keeps failing from growing, and finishes once the cause is gone', async () => {
    const handle = await env.client.workflow.start('brokenUntilApproved', {
      taskQueue: TASK_QUEUE,
      workflowId: id('broken'),
      workflowTaskTimeout: '1s',
    });
    for (;;) {
      const { raw } = await handle.describe();
      if ((raw.pendingWorkflowTask?.attempt ?? 0) >= 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await handle.fetchHistory()).events!.map((e) => e.eventType)).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    ]);
    await handle.signal('approve', 'a fix');
    expect(await handle.result()).toBe('fixed by a fix');
    const types = (await handle.fetchHistory()).events!.map((e) => e.eventType);
    expect(types.filter((t) => t === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)).toHaveLength(1);
    expect(types).not.toContain(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
  });
});
