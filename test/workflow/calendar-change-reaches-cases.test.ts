import { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import request from 'supertest';
import { createActivities } from '../../activities';
import { OpenDeadline } from '../../infra/database/entities';
import { DevServerHandle, start } from '../../infra/temporal-dev-server';
import type { CalendarChangeProgress } from '../../workflows/calendar-change/calendar-change-fan-out';
import { startTestApi, TestApi } from '../support/api';
import type { stepWithPlan } from './workflows';
import { eventually } from '../support/eventually';

const TASK_QUEUE = 'deadlines';

/** A declaration whose content does not matter to the test (the fan-out is what is checked). */
const declaration = (year: number) => ({
  holidays: [`${year}-01-01`],
  makeupWorkdays: [],
  reason: `国务院办公厅关于${year}年部分节假日安排的通知（测试）`,
});

describe('a calendar change reaches open cases', () => {
  let server: DevServerHandle;
  let connection: Connection;
  let client: Client;
  let api: TestApi;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    // A short history limit, so a fan-out over a few pages already continues as new.
    server = await start({ port: 0, suggestContinueAsNewEvents: 20 });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    api = await startTestApi({
      temporal: client,
      temporalAddress: server.address,
      env: { TEMPORAL_TASK_QUEUE: TASK_QUEUE },
    });
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('./workflows'),
      activities: createActivities({ dataSource: api.dataSource }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await api?.close();
    await connection?.close();
    await server?.stop();
  });

  const http = () => request(api.app.getHttpServer());
  const openDeadline = (workflowId: string) =>
    api.dataSource.getRepository(OpenDeadline).findOneBy({ workflowId, step: 'verify' });

  /** Declares the year as an admin and waits (GET …/fan-out) until its fan-out has finished. */
  async function declareAndWait(year: number, body: object = declaration(year)) {
    const res = await http()
      .put(`/api/calendar/${year}`)
      .set(api.auth(['admin']))
      .send(body)
      .expect(200);
    expect(res.body.fanOut).toEqual({
      workflowId: `calendar-change-${year}-v${res.body.version}`,
      started: true,
    });
    expect(res.body).not.toHaveProperty('notifiedWorkflows');
    const progress = await waitForFanOut(year);
    return { declared: res.body, progress };
  }

  async function waitForFanOut(year: number): Promise<CalendarChangeProgress & { workflowId: string }> {
    const res = await eventually(
      () =>
        http()
          .get(`/api/calendar/${year}/fan-out`)
          .set(api.auth(['supervisor'], { jurisdiction: 'yexian-mz' })),
      (r) => r.status === 200 && r.body.done === true,
    );
    return res.body;
  }

  const startStep = (workflowId: string, plan: Parameters<typeof stepWithPlan>[0]) =>
    client.workflow.start<typeof stepWithPlan>('stepWithPlan', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [plan],
    });

  const recorded = (workflowId: string) =>
    eventually(
      () => openDeadline(workflowId),
      (d) => d !== null,
    );

  const changesOf = (handle: WorkflowHandle) => handle.query<number[][]>('calendarChanges');

  it('re-arms a provisional deadline when an admin declares the year, and clears it when the step is done', async () => {
    // Received Thu 2027-02-04; 3 working days. 2027 is not published: only the statutory
    // Spring Festival days (02-05 eve to 02-08 初三) count as off → due Thu 02-11, provisional.
    const handle = await client.workflow.start('stepWithDeadline', {
      taskQueue: TASK_QUEUE,
      workflowId: 'case-2027-1',
      args: ['2027-02-04T10:00:00+08:00', 3],
    });
    const before = await recorded(handle.workflowId);
    expect(before).toMatchObject({ provisional: true });
    expect(before!.dueAt.toISOString()).toBe('2027-02-11T15:59:59.999Z');
    expect(before!.horizonAt.toISOString()).toBe('2027-02-11T15:59:59.999Z'); // no horizon given: the due time

    // The State Council publishes 2027: 02-05 to 02-11 off.
    const { declared, progress } = await declareAndWait(2027, {
      holidays: [
        '2027-02-05',
        '2027-02-06',
        '2027-02-07',
        '2027-02-08',
        '2027-02-09',
        '2027-02-10',
        '2027-02-11',
      ],
      makeupWorkdays: [],
      reason: '国务院办公厅关于2027年部分节假日安排的通知（测试）',
    });
    expect(progress).toEqual({
      workflowId: declared.fanOut.workflowId,
      year: 2027,
      version: declared.version,
      notified: 1,
      skipped: 0,
      failed: [],
      done: true,
    });

    const after = await eventually(
      () => openDeadline(handle.workflowId),
      (d) => d !== null && !d.provisional,
    );
    expect(after!.dueAt.toISOString()).toBe('2027-02-16T15:59:59.999Z'); // Fri 02-12, Mon 02-15, Tue 02-16
    const seen = await handle.query<{ due: string; provisional: boolean }[]>('deadlines');
    expect(seen).toEqual([
      { due: '2027-02-11T15:59:59.999Z', provisional: true },
      { due: '2027-02-16T15:59:59.999Z', provisional: false },
    ]);

    await handle.signal('finish');
    expect(await handle.result()).toBe('done');
    expect(await openDeadline(handle.workflowId)).toBeNull();
  });

  it('reaches a step due in December whose second-level escalation falls in the declared year, and no step outside the year', async () => {
    // Due Wed 2026-12-30; its second level comes in January 2027, on the 2027 calendar.
    const intoYear = await startStep('plan-2026-12-into-2027', {
      startsAt: '2026-12-21T09:00:00+08:00',
      due: '2026-12-30T15:59:59.999Z',
      horizon: '2027-01-08T15:59:59.999Z',
    });
    const beforeYear = await startStep('plan-2026-12-only', {
      startsAt: '2026-12-01T09:00:00+08:00',
      due: '2026-12-08T15:59:59.999Z',
      horizon: '2026-12-31T15:59:59.998Z', // 2026-12-31 23:59:59.998 in Beijing: still 2026
    });
    const afterYear = await startStep('plan-2028', {
      startsAt: '2028-01-03T09:00:00+08:00',
      due: '2028-01-10T15:59:59.999Z',
      horizon: '2028-01-17T15:59:59.999Z',
    });
    for (const h of [intoYear, beforeYear, afterYear]) await recorded(h.workflowId);
    expect((await openDeadline(intoYear.workflowId))!.horizonAt.toISOString()).toBe(
      '2027-01-08T15:59:59.999Z',
    );

    const { progress } = await declareAndWait(2027);
    expect(progress).toMatchObject({ year: 2027, notified: 1, skipped: 0, failed: [], done: true });
    expect(
      await eventually(
        () => changesOf(intoYear),
        (c) => c.length > 0,
      ),
    ).toEqual([[2027]]);
    expect(await changesOf(beforeYear)).toEqual([]);
    expect(await changesOf(afterYear)).toEqual([]);

    for (const h of [intoYear, beforeYear, afterYear]) await h.signal('finish');
    for (const h of [intoYear, beforeYear, afterYear]) expect(await h.result()).toBe('done');
  });

  it('skips a listed workflow that has closed meanwhile and still notifies the others', async () => {
    const plan = {
      startsAt: '2028-03-01T09:00:00+08:00',
      due: '2028-03-08T15:59:59.999Z',
      horizon: '2028-03-15T15:59:59.999Z',
    };
    const closed = await startStep('closed-2028', plan);
    const open = [await startStep('open-2028-a', plan), await startStep('open-2028-b', plan)];
    for (const h of [closed, ...open]) await recorded(h.workflowId);
    // Terminated: its open deadline stays listed, but no workflow runs under that id any more.
    await closed.terminate('test: closed before the calendar changed');
    expect(await openDeadline(closed.workflowId)).not.toBeNull();

    const { progress } = await declareAndWait(2028);
    expect(progress).toMatchObject({ year: 2028, notified: 2, skipped: 1, failed: [], done: true });
    for (const h of open)
      expect(
        await eventually(
          () => changesOf(h),
          (c) => c.length > 0,
        ),
      ).toEqual([[2028]]);

    // An admin can start the fan-out of the version in force again; it runs through once more.
    const again = await http()
      .post('/api/calendar/2028/fan-out')
      .set(api.auth(['admin']))
      .expect(202);
    expect(again.body).toEqual({
      year: 2028,
      version: progress.version,
      fanOut: { workflowId: progress.workflowId, started: true },
    });
    expect(await waitForFanOut(2028)).toMatchObject({ notified: 2, skipped: 1, failed: [], done: true });
    for (const h of open)
      expect(
        await eventually(
          () => changesOf(h),
          (c) => c.length > 1,
        ),
      ).toEqual([[2028], [2028]]);

    for (const h of open) await h.signal('finish');
    for (const h of open) expect(await h.result()).toBe('done');
  });

  it('pages through more workflows than a page holds, continuing as new with the cursor and counts', async () => {
    const plan = {
      startsAt: '2029-05-07T09:00:00+08:00',
      due: '2029-05-14T15:59:59.999Z',
      horizon: '2029-05-21T15:59:59.999Z',
    };
    const steps = [];
    for (let i = 1; i <= 7; i++) steps.push(await startStep(`page-2029-${i}`, plan));
    for (const h of steps) await recorded(h.workflowId);

    const fanOut = await client.workflow.start('calendarChangeFanOut', {
      taskQueue: TASK_QUEUE,
      workflowId: 'calendar-change-2029-paging',
      args: [{ year: 2029, version: 1, pageSize: 2 }],
    });
    expect(await fanOut.result()).toEqual({
      year: 2029,
      version: 1,
      notified: 7,
      skipped: 0,
      failed: [],
      done: true,
    });
    const latest = await fanOut.describe();
    expect(latest.runId).not.toBe(fanOut.firstExecutionRunId); // it did continue as new
    for (const h of steps)
      expect(
        await eventually(
          () => changesOf(h),
          (c) => c.length > 0,
        ),
      ).toEqual([[2029]]);

    for (const h of steps) await h.signal('finish');
    for (const h of steps) expect(await h.result()).toBe('done');
  });

  it('answers 404 for the fan-out of a year without a published arrangement, and only to admins and supervisors', async () => {
    const res = await http()
      .get('/api/calendar/2031/fan-out')
      .set(api.auth(['admin']))
      .expect(404);
    expect(res.body.code).toBe('CALENDAR_YEAR_NOT_DECLARED');
    await http()
      .post('/api/calendar/2031/fan-out')
      .set(api.auth(['admin']))
      .expect(404);
    await http()
      .get('/api/calendar/2027/fan-out')
      .set(api.auth(['caseworker']))
      .expect(403);
    await http()
      .post('/api/calendar/2027/fan-out')
      .set(api.auth(['supervisor'], { jurisdiction: 'yexian-mz' }))
      .expect(403);
  });
});
