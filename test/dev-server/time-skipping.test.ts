import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv, startTestWorker } from './support';

describe('time skipping (TestService) through createTimeSkipping()', () => {
  let env: TestWorkflowEnvironment;
  let worker: { stop(): Promise<void> };

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    worker = await startTestWorker(env, 'time-skipping');
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
  });

  it('runs a workflow that sleeps three years in well under a second of real time', async () => {
    const started = Date.now();
    const handle = await env.client.workflow.start('sleepsYears', {
      taskQueue: 'time-skipping',
      workflowId: 'years',
    });
    const elapsedInWorkflow = await handle.result();
    expect(elapsedInWorkflow).toBeGreaterThanOrEqual(1095 * 86_400_000);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('moves the server clock with env.sleep and reports it', async () => {
    const before = await env.currentTimeMs();
    await env.sleep('30 days');
    const after = await env.currentTimeMs();
    expect(after - before).toBeGreaterThanOrEqual(30 * 86_400_000);
    expect(after - before).toBeLessThan(31 * 86_400_000);
  });

  it('fires a reminder and an escalation in virtual time when nobody acts', async () => {
    const handle = await env.client.workflow.start('deadlineWithReminder', {
      taskQueue: 'time-skipping',
      workflowId: 'deadline-idle',
    });
    expect(await handle.result()).toEqual(['reminded', 'escalated']);
  });

  it('does not skip time while locked: a signal in time prevents the reminder', async () => {
    const handle = await env.client.workflow.start('deadlineWithReminder', {
      taskQueue: 'time-skipping',
      workflowId: 'deadline-acted',
    });
    await env.sleep('2 days');
    await handle.signal('approve', 'caseworker');
    expect(await handle.result()).toEqual([]);
  });
});
