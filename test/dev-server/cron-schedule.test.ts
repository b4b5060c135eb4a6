import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv, startTestWorker } from './support';

const { EventType, ContinueAsNewInitiator } = temporal.api.enums.v1;
const HOUR = 3_600_000;
const taskQueue = 'cron-schedule';

describe('cronSchedule on workflow starts (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let client: Client;
  let worker: { stop(): Promise<void> };
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    client = new Client({ connection: env.connection });
    worker = await startTestWorker(env, taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
  });

  async function runsOf(workflowId: string) {
    const runs = [];
    for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(w);
    return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  }

  async function startedAttributes(workflowId: string, runId: string) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    return history.events![0].workflowExecutionStartedEventAttributes!;
  }

  it('delays the first run to the first cron time and chains runs with the last result', async () => {
    const workflowId = `cron-${randomUUID()}`;
    const handle = await client.workflow.start('cronCounter', {
      workflowId,
      taskQueue,
      args: [0],
      cronSchedule: 'CRON_TZ=Asia/Shanghai 0 * * * *',
    });
    const first = await startedAttributes(workflowId, handle.firstExecutionRunId);
    expect(first.initiator).toBe(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
    expect(first.cronSchedule).toBe('CRON_TZ=Asia/Shanghai 0 * * * *');
    const backoffSeconds = Number(first.firstWorkflowTaskBackoff?.seconds ?? 0);
    expect(backoffSeconds).toBeGreaterThan(0);
    expect(backoffSeconds).toBeLessThanOrEqual(3600);

    // Three hours on the server clock: runs 1..3 complete, run 4 waits for its time.
    await env.sleep(3 * HOUR);
    const runs = await runsOf(workflowId);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const firstRun = client.workflow.getHandle(workflowId, handle.firstExecutionRunId);
    expect((await firstRun.describe()).status.name).toBe('COMPLETED');
    const firstHistory = await firstRun.fetchHistory();
    const closeEvent = firstHistory.events![firstHistory.events!.length - 1];
    expect(closeEvent.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    const secondRunId = closeEvent.workflowExecutionCompletedEventAttributes!.newExecutionRunId!;
    expect(secondRunId).toBe(runs[1].runId);

    const second = await startedAttributes(workflowId, secondRunId);
    expect(second.initiator).toBe(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
    expect(second.continuedExecutionRunId).toBe(handle.firstExecutionRunId);
    expect(second.firstExecutionRunId).toBe(handle.firstExecutionRunId);
    expect(second.attempt).toBe(1);
    expect(second.lastCompletionResult?.payloads?.length).toBe(1);
    expect(Buffer.from(second.lastCompletionResult!.payloads![0].data!).toString()).toBe('1');
    // On the hour: each later run is due at its cron time (the wait rounded up to whole seconds).
    for (const run of runs.slice(1)) expect(run.executionTime!.getTime() % HOUR).toBeLessThan(1000);
    // result() would follow the chain to its (never) end: read the third run's own close event.
    const third = (await client.workflow.getHandle(workflowId, runs[2].runId).fetchHistory()).events!;
    const thirdResult = third[third.length - 1].workflowExecutionCompletedEventAttributes!.result!;
    expect(Buffer.from(thirdResult.payloads![0].data!).toString()).toBe('3');

    // Termination ends the chain: no run after the terminated one.
    await client.workflow.getHandle(workflowId).terminate('done');
    const before = (await runsOf(workflowId)).length;
    await env.sleep(2 * HOUR);
    const after = await runsOf(workflowId);
    expect(after.length).toBe(before);
    expect(after[after.length - 1].status.name).toBe('TERMINATED');
  });

  it('a failed run goes on to the next cron time with the failure and the last good result', async () => {
    const workflowId = `cron-fail-${randomUUID()}`;
    await client.workflow.start('cronCounter', {
      workflowId,
      taskQueue,
      args: [2],
      cronSchedule: '@every 1h',
    });
    await env.sleep(2 * HOUR + 60_000);
    const runs = await runsOf(workflowId);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs[1].status.name).toBe('FAILED');
    const third = await startedAttributes(workflowId, runs[2].runId);
    expect(third.continuedFailure?.message).toBe('run 2 fails');
    expect(Buffer.from(third.lastCompletionResult!.payloads![0].data!).toString()).toBe('1');
    await client.workflow.getHandle(workflowId).terminate('done');
  });

  it('refuses an invalid cron string and a cron with a start delay', async () => {
    await expect(
      client.workflow.start('cronCounter', {
        workflowId: randomUUID(),
        taskQueue,
        cronSchedule: '61 * * * *',
      }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/invalid CronSchedule/) } });
    await expect(
      client.workflow.start('cronCounter', {
        workflowId: randomUUID(),
        taskQueue,
        cronSchedule: '@hourly',
        startDelay: '1 minute',
      }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/may not be used together/) } });
  });
});
