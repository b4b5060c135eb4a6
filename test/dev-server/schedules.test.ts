import { randomUUID } from 'node:crypto';
import {
  Client,
  Connection,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleHandle,
  type ScheduleOptions,
} from '@temporalio/client';
import { optionalDateToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { InMemoryStorage, PostgresStorage, start, type Storage } from '../../infra/temporal-dev-server';
import { createTestDatabase } from '../support/database';
import * as activities from './activities';
import { findFreePort } from '../../infra/net';
import { createTimeSkippingEnv, killServerProcess, startServerProcess, startTestWorker } from './support';

const { IndexedValueType, WorkflowExecutionStatus } = temporal.api.enums.v1;

const HOUR = 3_600_000;
const MINUTE = 60_000;
const taskQueue = 'schedules';

/** RFC 3339 to the second, as the real server appends it to a scheduled workflow's id. */
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ms = (d: Date) => d.getTime();
const ts = (t: number) => optionalDateToTs(new Date(t));

/** The `count` whole hours after `t`. */
function hoursAfter(t: number, count: number): number[] {
  const first = Math.floor(t / HOUR) * HOUR + HOUR;
  return Array.from({ length: count }, (_, i) => first + i * HOUR);
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
  expect(await check()).toBe(true);
}

describe('schedules through the official client (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let client: Client;
  let worker: { stop(): Promise<void> };

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    // A plain client: the testing client would unlock time skipping while it waits for results.
    client = new Client({ connection: env.connection });
    worker = await startTestWorker(env, taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
  });
  afterEach(async () => {
    // A schedule left behind would keep acting while later tests move the clock.
    for await (const s of client.schedule.list()) await client.schedule.getHandle(s.scheduleId).delete();
  });

  const hourly = (
    scheduleId: string,
    workflowType: string,
    extra: Partial<ScheduleOptions> = {},
    args: unknown[] = [],
  ): ScheduleOptions => ({
    scheduleId,
    spec: { intervals: [{ every: '1 hour' }] },
    action: { type: 'startWorkflow', workflowType, taskQueue, args, workflowId: `${scheduleId}-wf` },
    ...extra,
  });

  const statusOf = async (workflowId: string) =>
    (await client.workflow.getHandle(workflowId).describe()).status.name;

  it('GetSystemInfo says schedules are supported', async () => {
    const info = await client.workflowService.getSystemInfo({});
    expect(info.capabilities?.supportsSchedules).toBe(true);
  });

  it('create and describe: the canonical spec, defaults, conflict token, future times; actions start workflows named as the real server names them', async () => {
    const handle = await client.schedule.create({
      ...hourly('describe-me', 'sleepsThenReturns', {}, [MINUTE]),
      memo: { owner: 'registry' },
      action: {
        type: 'startWorkflow',
        workflowType: 'sleepsThenReturns',
        taskQueue,
        args: [MINUTE],
        workflowId: 'describe-me-wf',
        memo: { purpose: 'maintenance' },
      },
    });
    const now = await env.currentTimeMs();
    const d = await handle.describe();
    expect(d.scheduleId).toBe('describe-me');
    expect(d.spec.intervals).toEqual([{ every: HOUR, offset: undefined }]);
    expect(d.policies).toEqual({
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: 365 * 24 * HOUR,
      pauseOnFailure: false,
    });
    expect(d.state.paused).toBe(false);
    expect(d.state.remainingActions).toBeUndefined();
    expect(d.memo).toEqual({ owner: 'registry' });
    expect(d.info.nextActionTimes.map(ms)).toEqual(hoursAfter(now, 10));
    expect(d.info.numActionsTaken).toBe(0);
    expect(Math.abs(ms(d.info.createdAt) - now)).toBeLessThan(MINUTE);
    expect(Buffer.from(d.raw.conflictToken!).readBigUInt64BE()).toBe(1n);
    if (d.action.type !== 'startWorkflow') throw new Error('not a start-workflow action');
    expect(d.action.workflowType).toBe('sleepsThenReturns');
    expect(d.action.args).toEqual([MINUTE]);

    const marks = hoursAfter(now, 3);
    await env.sleep(3 * HOUR);
    const after = await handle.describe();
    expect(after.info.numActionsTaken).toBe(3);
    expect(after.info.recentActions.map((a) => ms(a.scheduledAt))).toEqual(marks);
    const ids = after.info.recentActions.map((a) => a.action.workflow.workflowId);
    expect(ids).toEqual(marks.map((m) => `describe-me-wf-${iso(m)}`));
    for (const [i, id] of ids.entries()) {
      const wf = await client.workflow.getHandle(id).describe();
      expect(wf.searchAttributes.TemporalScheduledById).toEqual(['describe-me']);
      expect((wf.searchAttributes.TemporalScheduledStartTime as Date[])[0].getTime()).toBe(marks[i]);
      expect(wf.memo).toEqual({ purpose: 'maintenance' });
      expect(wf.runId).toBe(after.info.recentActions[i].action.workflow.firstExecutionRunId);
    }
    // The visibility query finds them by schedule.
    const found: string[] = [];
    for await (const wf of client.workflow.list({ query: `TemporalScheduledById = 'describe-me'` })) {
      found.push(wf.workflowId);
    }
    expect(found.sort()).toEqual([...ids].sort());
  });

  it('create refuses an id already taken (ScheduleAlreadyRunning), and takes the same request twice', async () => {
    await client.schedule.create(hourly('taken', 'sleepsThenReturns', {}, [MINUTE]));
    await expect(client.schedule.create(hourly('taken', 'sleepsThenReturns', {}, [MINUTE]))).rejects.toThrow(
      ScheduleAlreadyRunning,
    );
    const request = {
      namespace: 'default',
      scheduleId: 'same-request',
      requestId: randomUUID(),
      schedule: {
        spec: { cronString: ['@hourly'] },
        action: {
          startWorkflow: {
            workflowId: 'w',
            workflowType: { name: 'sleepsThenReturns' },
            taskQueue: { name: taskQueue },
          },
        },
      },
    };
    const first = await client.workflowService.createSchedule(request);
    const again = await client.workflowService.createSchedule(request);
    expect(Buffer.from(again.conflictToken).equals(Buffer.from(first.conflictToken))).toBe(true);
    await expect(
      client.workflowService.createSchedule({ ...request, requestId: randomUUID() }),
    ).rejects.toMatchObject({
      code: 6, // ALREADY_EXISTS
      details: 'schedule "same-request" is already registered',
    });
  });

  it('update replaces the definition, bumps the conflict token and refuses a stale one', async () => {
    const handle = await client.schedule.create(hourly('updated', 'sleepsThenReturns', {}, [MINUTE]));
    const before = await handle.describe();
    await handle.update((prev) => ({
      ...prev,
      spec: { calendars: [{ hour: 9, minute: 30, comment: 'mornings' }], timezone: 'Asia/Shanghai' },
      policies: { ...prev.policies, overlap: ScheduleOverlapPolicy.BUFFER_ALL, catchupWindow: 5 * MINUTE },
    }));
    const d = await handle.describe();
    expect(d.spec.calendars).toHaveLength(1);
    expect(d.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 9, end: 9, step: 1 }],
      minute: [{ start: 30, end: 30, step: 1 }],
      comment: 'mornings',
    });
    expect(d.spec.timezone).toBe('Asia/Shanghai');
    expect(d.spec.intervals).toEqual([]);
    expect(d.policies.overlap).toBe(ScheduleOverlapPolicy.BUFFER_ALL);
    expect(d.policies.catchupWindow).toBe(5 * MINUTE);
    expect(d.info.lastUpdatedAt).toBeInstanceOf(Date);
    // 09:30 in Shanghai (UTC+8, no daylight saving) is 01:30 UTC.
    for (const t of d.info.nextActionTimes) expect([t.getUTCHours(), t.getUTCMinutes()]).toEqual([1, 30]);
    const token = Buffer.from(d.raw.conflictToken!).readBigUInt64BE();
    expect(token).toBe(Buffer.from(before.raw.conflictToken!).readBigUInt64BE() + 1n);
    await expect(
      client.workflowService.updateSchedule({
        namespace: 'default',
        scheduleId: 'updated',
        schedule: d.raw.schedule,
        conflictToken: before.raw.conflictToken,
        requestId: randomUUID(),
      }),
    ).rejects.toMatchObject({ code: 9, details: 'mismatched conflict token' }); // FAILED_PRECONDITION
    await client.workflowService.updateSchedule({
      namespace: 'default',
      scheduleId: 'updated',
      schedule: { ...d.raw.schedule, state: { ...d.raw.schedule?.state, notes: 'with the right token' } },
      conflictToken: d.raw.conflictToken,
      requestId: randomUUID(),
    });
    expect((await handle.describe()).state.note).toBe('with the right token');
  });

  it('pause and unpause with notes: no scheduled actions while paused, none replayed after', async () => {
    const handle = await client.schedule.create(hourly('paused', 'sleepsThenReturns', {}, [MINUTE]));
    await handle.pause('holiday freeze');
    let d = await handle.describe();
    expect(d.state).toMatchObject({ paused: true, note: 'holiday freeze' });
    await env.sleep(3 * HOUR);
    d = await handle.describe();
    expect(d.info.numActionsTaken).toBe(0);
    expect(d.info.numActionsMissedCatchupWindow).toBe(0);
    await handle.unpause('back to work');
    const now = await env.currentTimeMs();
    d = await handle.describe();
    expect(d.state).toMatchObject({ paused: false, note: 'back to work' });
    expect(d.info.numActionsTaken).toBe(0);
    await env.sleep(HOUR);
    d = await handle.describe();
    expect(d.info.recentActions.map((a) => ms(a.scheduledAt))).toEqual(hoursAfter(now, 1));
    // The paused state is visible to the list query.
    const paused: string[] = [];
    await handle.pause('again');
    for await (const s of client.schedule.list({ query: 'TemporalSchedulePaused = true' }))
      paused.push(s.scheduleId);
    expect(paused).toEqual(['paused']);
  });

  it('trigger acts at once, also while paused, under the overlap policy given', async () => {
    const handle = await client.schedule.create(
      hourly('triggered', 'waitsForSignal', { state: { paused: true, note: 'manual only' } }),
    );
    await handle.trigger();
    let d = await handle.describe();
    expect(d.info.numActionsTaken).toBe(1);
    const first = d.info.recentActions[0].action.workflow.workflowId;
    expect(await statusOf(first)).toBe('RUNNING');
    // A later second: the action's workflow id (to the second) is another one.
    await env.sleep(2000);
    // The first trigger (ALLOW_ALL, the default of trigger) is not tracked as running: SKIP finds
    // nothing running and starts.
    await handle.trigger(ScheduleOverlapPolicy.SKIP);
    d = await handle.describe();
    expect(d.info.numActionsTaken).toBe(2);
    expect(d.info.runningActions.map((a) => a.workflow.workflowId)).toEqual([
      d.info.recentActions[1].action.workflow.workflowId,
    ]);
    // With SKIP, a trigger while the one it tracks runs does nothing.
    await handle.trigger(ScheduleOverlapPolicy.SKIP);
    d = await handle.describe();
    expect(d.info.numActionsTaken).toBe(2);
    expect(d.info.numActionsSkippedOverlap).toBe(1);
    expect(d.state.paused).toBe(true);
    // The same patch request twice (a retry) acts once.
    await env.sleep(2000);
    const patch = {
      namespace: 'default',
      scheduleId: 'triggered',
      requestId: randomUUID(),
      patch: {
        triggerImmediately: {
          overlapPolicy: temporal.api.enums.v1.ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL,
        },
      },
    };
    await client.workflowService.patchSchedule(patch);
    await client.workflowService.patchSchedule(patch);
    expect((await handle.describe()).info.numActionsTaken).toBe(3);
  });

  it('backfill takes the actions of a past range (start inclusive), as if that time passed now', async () => {
    const handle = await client.schedule.create(hourly('backfilled', 'sleepsThenReturns', {}, [MINUTE]));
    const now = await env.currentTimeMs();
    const base = Math.floor(now / HOUR) * HOUR;
    await handle.backfill({
      start: new Date(base - 5 * HOUR),
      end: new Date(base - 2 * HOUR),
      overlap: ScheduleOverlapPolicy.ALLOW_ALL,
    });
    const d = await handle.describe();
    const expected = [5, 4, 3, 2].map((h) => base - h * HOUR);
    expect(d.info.recentActions.map((a) => ms(a.scheduledAt))).toEqual(expected);
    expect(d.info.recentActions.map((a) => a.action.workflow.workflowId)).toEqual(
      expected.map((t) => `backfilled-wf-${iso(t)}`),
    );
    // Outside the catch-up window, and still taken: backfills are manual.
    expect(d.info.numActionsMissedCatchupWindow).toBe(0);
  });

  it('list shows every schedule with its info, and filters with the visibility query', async () => {
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: { ScheduleOwner: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
    await client.schedule.create({
      ...hourly('list-a', 'sleepsThenReturns', {}, [MINUTE]),
      searchAttributes: { ScheduleOwner: ['registry'] },
    });
    await client.schedule.create(
      hourly('list-b', 'waitsForSignal', { state: { paused: true, note: 'off' } }),
    );
    const all = [];
    for await (const s of client.schedule.list()) all.push(s);
    expect(all.map((s) => s.scheduleId).sort()).toEqual(['list-a', 'list-b']);
    const b = all.find((s) => s.scheduleId === 'list-b')!;
    expect(b.state).toEqual({ paused: true, note: 'off' });
    expect(b.action).toEqual({ type: 'startWorkflow', workflowType: 'waitsForSignal' });
    expect(b.info.nextActionTimes).toHaveLength(5);
    expect(b.spec?.intervals).toEqual([{ every: HOUR, offset: undefined }]);
    const byId = [];
    for await (const s of client.schedule.list({ query: `ScheduleId = 'list-a'` })) byId.push(s.scheduleId);
    expect(byId).toEqual(['list-a']);
    const byAttribute = [];
    for await (const s of client.schedule.list({ query: `ScheduleOwner = 'registry'` })) {
      byAttribute.push(s.scheduleId);
    }
    expect(byAttribute).toEqual(['list-a']);
    const counted = await client.workflowService.countSchedules({
      namespace: 'default',
      query: 'TemporalSchedulePaused = false',
    });
    expect(Number(counted.count)).toBe(1);
    const paged = await client.workflowService.listSchedules({ namespace: 'default', maximumPageSize: 1 });
    expect(paged.schedules).toHaveLength(1);
    expect(paged.nextPageToken?.length).toBeGreaterThan(0);
    await expect(
      client.workflowService.listSchedules({ namespace: 'default', query: 'Nope = 1' }),
    ).rejects.toMatchObject({
      code: 3,
    });
  });

  it('delete removes the schedule: describe is ScheduleNotFoundError, list does not show it, the id is free again', async () => {
    const handle = await client.schedule.create(hourly('deleted', 'sleepsThenReturns', {}, [MINUTE]));
    await handle.delete();
    await expect(handle.describe()).rejects.toThrow(ScheduleNotFoundError);
    await expect(handle.pause()).rejects.toThrow(ScheduleNotFoundError);
    await expect(handle.delete()).rejects.toThrow(ScheduleNotFoundError);
    const ids = [];
    for await (const s of client.schedule.list()) ids.push(s.scheduleId);
    expect(ids).not.toContain('deleted');
    await env.sleep(2 * HOUR);
    const started = [];
    for await (const wf of client.workflow.list({ query: `TemporalScheduledById = 'deleted'` }))
      started.push(wf);
    expect(started).toEqual([]);
    await client.schedule.create(hourly('deleted', 'sleepsThenReturns', {}, [MINUTE]));
  });

  describe('specs (ListScheduleMatchingTimes)', () => {
    const matching = async (spec: ScheduleOptions['spec'], from: string, to: string) => {
      const scheduleId = `spec-${randomUUID()}`;
      await client.schedule.create({ ...hourly(scheduleId, 'sleepsThenReturns'), spec });
      const res = await client.workflowService.listScheduleMatchingTimes({
        namespace: 'default',
        scheduleId,
        startTime: ts(Date.parse(from)),
        endTime: ts(Date.parse(to)),
      });
      return (res.startTime ?? []).map((t) => iso(Number(t.seconds) * 1000));
    };

    it('a 5-field cron string in Asia/Shanghai: weekdays at 09:00 local', async () => {
      expect(
        await matching(
          { cronExpressions: ['0 9 * * MON-FRI'], timezone: 'Asia/Shanghai' },
          '2030-01-05T00:00:00Z',
          '2030-01-13T00:00:00Z',
        ),
      ).toEqual(
        ['2030-01-07', '2030-01-08', '2030-01-09', '2030-01-10', '2030-01-11'].map((d) => `${d}T01:00:00Z`),
      );
    });

    it('a 6-field cron string (the sixth field is the year) and CRON_TZ', async () => {
      expect(
        await matching(
          { cronExpressions: ['CRON_TZ=Asia/Shanghai 0 8 1 */6 * 2031'] },
          '2030-01-01T00:00:00Z',
          '2033-01-01T00:00:00Z',
        ),
      ).toEqual(['2031-01-01T00:00:00Z', '2031-07-01T00:00:00Z']);
    });

    it('the @-aliases and @every with a phase', async () => {
      const from = '2030-03-01T00:30:00Z';
      expect(await matching({ cronExpressions: ['@daily'] }, from, '2030-03-03T12:00:00Z')).toEqual([
        '2030-03-02T00:00:00Z',
        '2030-03-03T00:00:00Z',
      ]);
      expect(await matching({ cronExpressions: ['@hourly'] }, from, '2030-03-01T02:30:00Z')).toEqual([
        '2030-03-01T01:00:00Z',
        '2030-03-01T02:00:00Z',
      ]);
      expect(await matching({ cronExpressions: ['@weekly'] }, from, '2030-03-12T00:00:00Z')).toEqual([
        '2030-03-03T00:00:00Z',
        '2030-03-10T00:00:00Z',
      ]);
      expect(await matching({ cronExpressions: ['@monthly'] }, from, '2030-05-02T00:00:00Z')).toEqual([
        '2030-04-01T00:00:00Z',
        '2030-05-01T00:00:00Z',
      ]);
      expect(await matching({ cronExpressions: ['@yearly'] }, from, '2032-01-02T00:00:00Z')).toEqual([
        '2031-01-01T00:00:00Z',
        '2032-01-01T00:00:00Z',
      ]);
      expect(await matching({ cronExpressions: ['@every 90m/15m'] }, from, '2030-03-01T04:00:00Z')).toEqual([
        '2030-03-01T01:45:00Z',
        '2030-03-01T03:15:00Z',
      ]);
    });

    it('structured calendars (day of month and day of week both), intervals with an offset', async () => {
      // Friday the 13th.
      expect(
        await matching(
          { calendars: [{ dayOfMonth: 13, dayOfWeek: 'FRIDAY', hour: 12 }] },
          '2030-01-01T00:00:00Z',
          '2031-01-01T00:00:00Z',
        ),
      ).toEqual(['2030-09-13T12:00:00Z', '2030-12-13T12:00:00Z']);
      expect(
        await matching(
          {
            calendars: [
              { hour: { start: 8, end: 16, step: 4 }, minute: [0, 30], month: 'MARCH', year: 2030 },
            ],
          },
          '2030-03-02T00:00:00Z',
          '2030-03-02T23:59:59Z',
        ),
      ).toEqual(['08:00', '08:30', '12:00', '12:30', '16:00', '16:30'].map((t) => `2030-03-02T${t}:00Z`));
      expect(
        await matching(
          { intervals: [{ every: '1 hour', offset: '15 minutes' }] },
          '2030-03-01T00:20:00Z',
          '2030-03-01T03:00:00Z',
        ),
      ).toEqual(['2030-03-01T01:15:00Z', '2030-03-01T02:15:00Z']);
    });

    it('daylight saving (America/New_York): a wall time the clocks repeat matches twice, one they skip not at all', async () => {
      const spec = { calendars: [{ hour: [1, 2], minute: 30 }], timezone: 'America/New_York' };
      // 3 November 2030: 01:30 EDT (05:30Z), then 01:30 EST (06:30Z), then 02:30 EST (07:30Z).
      expect(await matching(spec, '2030-11-03T00:00:00Z', '2030-11-03T12:00:00Z')).toEqual([
        '2030-11-03T05:30:00Z',
        '2030-11-03T06:30:00Z',
        '2030-11-03T07:30:00Z',
      ]);
      // 10 March 2030: 02:30 does not exist (02:00 EST is 03:00 EDT).
      expect(await matching(spec, '2030-03-10T00:00:00Z', '2030-03-10T12:00:00Z')).toEqual([
        '2030-03-10T06:30:00Z',
      ]);
    });

    it('exclusions, start and end times', async () => {
      expect(
        await matching(
          {
            calendars: [{ hour: 0 }],
            skip: [{ dayOfWeek: ['SATURDAY', 'SUNDAY'], hour: '*', minute: '*', second: '*' }],
            startAt: new Date('2030-01-02T00:00:00Z'),
            endAt: new Date('2030-01-10T00:00:00Z'),
          },
          '2030-01-01T00:00:00Z',
          '2030-02-01T00:00:00Z',
        ),
      ).toEqual(
        // 2030-01-05/06 are a weekend; the start is inclusive, and so is the end.
        ['02', '03', '04', '07', '08', '09', '10'].map((d) => `2030-01-${d}T00:00:00Z`),
      );
    });

    it('jitter: each time later than its nominal time by less than the jitter, the same every time asked', async () => {
      const scheduleId = 'jittered';
      await client.schedule.create({
        ...hourly(scheduleId, 'sleepsThenReturns'),
        spec: { intervals: [{ every: '1 hour' }], jitter: '10 minutes' },
      });
      const ask = async () =>
        (
          await client.workflowService.listScheduleMatchingTimes({
            namespace: 'default',
            scheduleId,
            startTime: ts(Date.parse('2030-01-01T00:00:00Z')),
            // The last hour's jittered time is after midnight.
            endTime: ts(Date.parse('2030-01-02T00:30:00Z')),
          })
        ).startTime.map((t) => Number(t.seconds) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6));
      const times = await ask();
      expect(times).toHaveLength(24);
      for (const [i, t] of times.entries()) {
        const nominal = Date.parse('2030-01-01T00:00:00Z') + (i + 1) * HOUR;
        expect(t).toBeGreaterThanOrEqual(nominal);
        expect(t).toBeLessThan(nominal + 10 * MINUTE);
      }
      expect(new Set(times.map((t) => t % HOUR)).size).toBeGreaterThan(1);
      expect(await ask()).toEqual(times);
    });

    it('an invalid spec or time zone is refused with the reason', async () => {
      await expect(
        client.schedule.create({
          ...hourly('bad-cron', 'sleepsThenReturns'),
          spec: { cronExpressions: ['0 25 * * *'] },
        }),
      ).rejects.toThrow(/Hour is not in range \[0-23\]/);
      await expect(
        client.schedule.create({
          ...hourly('bad-zone', 'sleepsThenReturns'),
          spec: { cronExpressions: ['@daily'], timezone: 'Mars/Olympus' },
        }),
      ).rejects.toThrow(/unknown time zone Mars\/Olympus/);
      await expect(
        client.schedule.create({
          ...hourly('bad-interval', 'sleepsThenReturns'),
          spec: { intervals: [{ every: 500 }] },
        }),
      ).rejects.toThrow(/interval is too small/);
    });
  });

  describe('limited actions and pause on failure', () => {
    it('pause on failure: a failed action pauses the schedule with the reason as its note', async () => {
      const handle = await client.schedule.create(
        hourly('fragile', 'failsItself', { policies: { pauseOnFailure: true } }),
      );
      const marks = hoursAfter(await env.currentTimeMs(), 1);
      await env.sleep(HOUR);
      const failed = `fragile-wf-${iso(marks[0])}`;
      await until(async () => (await handle.describe()).state.paused);
      let d = await handle.describe();
      expect(d.state.note).toBe(`paused due to workflow failure: ${failed}: business rule broken`);
      expect(d.raw.info?.recentActions?.[0].startWorkflowStatus).toBe(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED,
      );
      await env.sleep(2 * HOUR);
      d = await handle.describe();
      expect(d.info.numActionsTaken).toBe(1);
    });

    it('remaining actions: counts down, stops at zero, future times limited', async () => {
      const handle = await client.schedule.create(
        hourly('limited', 'sleepsThenReturns', { state: { remainingActions: 2 } }, [MINUTE]),
      );
      let d = await handle.describe();
      expect(d.state.remainingActions).toBe(2);
      expect(d.info.nextActionTimes).toHaveLength(2);
      await env.sleep(4 * HOUR);
      d = await handle.describe();
      expect(d.info.numActionsTaken).toBe(2);
      expect(d.state.remainingActions).toBe(0);
      expect(d.info.nextActionTimes).toEqual([]);
      // A trigger is manual: it still acts.
      await handle.trigger();
      expect((await handle.describe()).info.numActionsTaken).toBe(3);
    });
  });

  describe('overlap policies: hourly workflows that run until signalled', () => {
    /** Creates the schedule, lets three hours pass; returns the handle and the three hour marks. */
    const threeHours = async (scheduleId: string, overlap: ScheduleOverlapPolicy) => {
      const handle = await client.schedule.create(
        hourly(scheduleId, 'waitsForSignal', { policies: { overlap } }),
      );
      const marks = hoursAfter(await env.currentTimeMs(), 3);
      await env.sleep(3 * HOUR);
      return { handle, marks, id: (i: number) => `${scheduleId}-wf-${iso(marks[i])}` };
    };
    const finish = async (workflowId: string) => {
      await client.workflow.getHandle(workflowId).signal('approve', 'test');
      await client.workflow.getHandle(workflowId).result();
    };
    const actions = async (handle: ScheduleHandle) =>
      (await handle.describe()).info.recentActions.map((a) => a.action.workflow.workflowId);

    it('SKIP: later times are dropped while the first runs', async () => {
      const { handle, id } = await threeHours('skip', ScheduleOverlapPolicy.SKIP);
      const d = await handle.describe();
      expect(d.info.numActionsTaken).toBe(1);
      expect(d.info.numActionsSkippedOverlap).toBe(2);
      expect(d.info.runningActions.map((a) => a.workflow.workflowId)).toEqual([id(0)]);
      await finish(id(0));
      await until(async () => (await handle.describe()).info.runningActions.length === 0);
      expect(await actions(handle)).toEqual([id(0)]);
      expect((await handle.describe()).info.recentActions[0].action.workflow.workflowId).toBe(id(0));
    });

    it('BUFFER_ONE: one later time waits, the other is dropped; it starts when the first closes', async () => {
      const { handle, id } = await threeHours('buffer-one', ScheduleOverlapPolicy.BUFFER_ONE);
      let d = await handle.describe();
      expect(d.info.numActionsTaken).toBe(1);
      expect(d.info.numActionsSkippedOverlap).toBe(1);
      expect(d.raw.info?.bufferSize?.toString()).toBe('1');
      await finish(id(0));
      await until(async () => (await actions(handle)).length === 2);
      d = await handle.describe();
      expect(await actions(handle)).toEqual([id(0), id(1)]);
      expect(d.info.runningActions.map((a) => a.workflow.workflowId)).toEqual([id(1)]);
      expect(d.info.recentActions[0].action.workflow.workflowId).toBe(id(0));
      expect(d.raw.info?.recentActions?.[0].startWorkflowStatus).toBe(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
      );
    });

    it('BUFFER_ALL: every later time waits its turn', async () => {
      const { handle, id } = await threeHours('buffer-all', ScheduleOverlapPolicy.BUFFER_ALL);
      expect((await handle.describe()).raw.info?.bufferSize?.toString()).toBe('2');
      await finish(id(0));
      await until(async () => (await actions(handle)).length === 2);
      await finish(id(1));
      await until(async () => (await actions(handle)).length === 3);
      expect(await actions(handle)).toEqual([id(0), id(1), id(2)]);
      expect((await handle.describe()).info.numActionsSkippedOverlap).toBe(0);
    });

    it('CANCEL_OTHER: each new time cancels the running one and starts once it is closed', async () => {
      const { handle, id } = await threeHours('cancel-other', ScheduleOverlapPolicy.CANCEL_OTHER);
      await until(async () => (await actions(handle)).length === 3);
      expect(await actions(handle)).toEqual([id(0), id(1), id(2)]);
      expect(await statusOf(id(0))).toBe('CANCELLED');
      expect(await statusOf(id(1))).toBe('CANCELLED');
      expect(await statusOf(id(2))).toBe('RUNNING');
      expect((await handle.describe()).info.runningActions.map((a) => a.workflow.workflowId)).toEqual([
        id(2),
      ]);
    });

    it('TERMINATE_OTHER: each new time terminates the running one and starts', async () => {
      const { handle, id } = await threeHours('terminate-other', ScheduleOverlapPolicy.TERMINATE_OTHER);
      await until(async () => (await actions(handle)).length === 3);
      expect(await actions(handle)).toEqual([id(0), id(1), id(2)]);
      expect(await statusOf(id(0))).toBe('TERMINATED');
      expect(await statusOf(id(1))).toBe('TERMINATED');
      expect(await statusOf(id(2))).toBe('RUNNING');
      const history = await client.workflow.getHandle(id(0)).fetchHistory();
      expect(history.events?.at(-1)?.workflowExecutionTerminatedEventAttributes?.reason).toBe(
        'terminated by schedule overlap policy',
      );
    });

    it('ALLOW_ALL: every time starts, side by side', async () => {
      const { handle, id } = await threeHours('allow-all', ScheduleOverlapPolicy.ALLOW_ALL);
      const d = await handle.describe();
      expect(await actions(handle)).toEqual([id(0), id(1), id(2)]);
      for (const i of [0, 1, 2]) expect(await statusOf(id(i))).toBe('RUNNING');
      // Overlapping runs are not tracked as the schedule's running workflow (as the real server).
      expect(d.info.runningActions).toEqual([]);
      expect(d.info.numActionsSkippedOverlap).toBe(0);
    });
  });
});

describe.each([
  ['in-memory', async () => ({ storage: new InMemoryStorage() as Storage, done: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const db = await createTestDatabase('devschedstore');
      const storage: Storage = await PostgresStorage.open(db.url);
      return {
        storage,
        done: async () => {
          await storage.close();
          await db.drop();
        },
      };
    },
  ],
])('schedule records in storage (%s)', (_name, open) => {
  it('puts, replaces, loads (payload bytes intact) and deletes schedule records', async () => {
    const { storage, done } = await open();
    try {
      const data = Buffer.from([0, 1, 254, 255]);
      const record = (note: string) => ({
        namespace: 'default',
        scheduleId: 'kept',
        state: { note, action: { input: { payloads: [{ data }] } }, counts: [1, 2] },
      });
      await storage.putSchedule(record('first'));
      await storage.putSchedule({ ...record('other'), scheduleId: 'other' });
      await storage.putSchedule(record('second'));
      const loaded = await storage.loadSchedules();
      expect(loaded.map((r) => [r.scheduleId, r.state.note])).toEqual([
        ['kept', 'second'],
        ['other', 'other'],
      ]);
      expect(Buffer.from(loaded[0].state.action.input.payloads[0].data).equals(data)).toBe(true);
      await storage.deleteSchedule('default', 'kept');
      expect((await storage.loadSchedules()).map((r) => r.scheduleId)).toEqual(['other']);
    } finally {
      await done();
    }
  });
});

describe('schedules on PostgreSQL across a restart', () => {
  let db: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase('devsched');
  });
  afterAll(() => db?.drop());

  it('a crash between writing the started workflow and the schedule: the restart takes that workflow as the action, once', async () => {
    const storage = await PostgresStorage.open(db.url, { schema: 'torn_write' });
    const first = await start({ port: 0, storage });
    let client = new Client({ connection: await Connection.connect({ address: first.address }) });
    await client.schedule.create({
      scheduleId: 'torn',
      spec: { intervals: [{ every: '1 hour' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'waitsForSignal',
        taskQueue: 'torn',
        workflowId: 'torn-wf',
      },
    });
    const created = ms((await client.schedule.getHandle('torn').describe()).info.createdAt);
    const [mark] = hoursAfter(created, 1);
    // The schedule as stored before its first action: what a lost second write leaves.
    const before = (await storage.loadSchedules()).find((r) => r.scheduleId === 'torn')!;
    first.engine.clock.advanceTo(mark + MINUTE);
    await until(async () => (await client.schedule.getHandle('torn').describe()).info.numActionsTaken === 1);
    await client.connection.close();
    await first.stop();
    const reopened = await PostgresStorage.open(db.url, { schema: 'torn_write' });
    await reopened.putSchedule(before);

    const second = await start({ port: 0, storage: reopened });
    second.engine.clock.advanceTo(mark + 2 * MINUTE);
    client = new Client({ connection: await Connection.connect({ address: second.address }) });
    try {
      const handle = client.schedule.getHandle('torn');
      await until(async () => (await handle.describe()).info.numActionsTaken === 1);
      const d = await handle.describe();
      const workflowId = `torn-wf-${iso(mark)}`;
      expect(d.info.recentActions.map((a) => a.action.workflow.workflowId)).toEqual([workflowId]);
      expect(d.info.runningActions.map((a) => a.workflow.workflowId)).toEqual([workflowId]);
      const runs = [];
      for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
        runs.push(wf.runId);
      expect(runs).toEqual([d.info.recentActions[0].action.workflow.firstExecutionRunId]);
    } finally {
      await client.connection.close();
      await second.stop();
    }
  });

  it('comes back after a restart; times missed while down fire once inside the catch-up window, older ones are counted missed', async () => {
    const first = await start({ port: 0, storage: await PostgresStorage.open(db.url) });
    let client = new Client({ connection: await Connection.connect({ address: first.address }) });
    await client.schedule.create({
      scheduleId: 'durable',
      spec: { intervals: [{ every: '1 hour' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'waitsForSignal',
        taskQueue: 'durable',
        workflowId: 'durable-wf',
      },
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '2 hours' },
      state: { note: 'kept across restarts' },
    });
    const created = ms((await client.schedule.getHandle('durable').describe()).info.createdAt);
    await client.connection.close();
    await first.stop();

    // Down for more than four hours (the clock of the second server is moved on as it starts).
    const second = await start({ port: 0, storage: await PostgresStorage.open(db.url) });
    const marks = hoursAfter(created, 5);
    const restartedAt = marks[4] + 30 * MINUTE;
    second.engine.clock.advanceTo(restartedAt);
    client = new Client({ connection: await Connection.connect({ address: second.address }) });
    const handle = client.schedule.getHandle('durable');
    await until(async () => (await handle.describe()).info.numActionsTaken === 2);
    let d = await handle.describe();
    expect(d.state.note).toBe('kept across restarts');
    expect(d.policies).toMatchObject({ overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: 2 * HOUR });
    // The two hours inside the window (90 and 30 minutes before) fire, the three before are missed.
    expect(d.info.recentActions.map((a) => ms(a.scheduledAt))).toEqual([marks[3], marks[4]]);
    expect(d.info.numActionsMissedCatchupWindow).toBe(3);
    expect(d.info.nextActionTimes[0].getTime()).toBe(marks[4] + HOUR);
    const started = async () => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query: `TemporalScheduledById = 'durable'` }))
        ids.push(wf.workflowId);
      return ids.sort();
    };
    expect(await started()).toEqual([`durable-wf-${iso(marks[3])}`, `durable-wf-${iso(marks[4])}`]);
    await client.connection.close();
    await second.stop();

    // Once more, with no time passed: nothing fires twice.
    const third = await start({ port: 0, storage: await PostgresStorage.open(db.url) });
    third.engine.clock.advanceTo(restartedAt + MINUTE);
    client = new Client({ connection: await Connection.connect({ address: third.address }) });
    try {
      // A round trip after the recovered schedule has run its first round.
      await until(
        async () => (await client.schedule.getHandle('durable').describe()).info.numActionsTaken >= 2,
      );
      d = await client.schedule.getHandle('durable').describe();
      expect(d.info.numActionsTaken).toBe(2);
      expect(d.info.numActionsMissedCatchupWindow).toBe(3);
      expect(await started()).toEqual([`durable-wf-${iso(marks[3])}`, `durable-wf-${iso(marks[4])}`]);
      // And it keeps acting on the restarted server: a worker finishes one, the next hour fires.
      const worker = await Worker.create({
        connection: await NativeConnection.connect({ address: third.address }),
        taskQueue: 'durable',
        workflowsPath: require.resolve('./workflows'),
        activities,
      });
      await worker.runUntil(async () => {
        await client.workflow.getHandle(`durable-wf-${iso(marks[3])}`).signal('approve', 'after restart');
        expect(await client.workflow.getHandle(`durable-wf-${iso(marks[3])}`).result()).toBe('after restart');
      });
      third.engine.clock.advanceTo(marks[4] + HOUR);
      await until(
        async () => (await client.schedule.getHandle('durable').describe()).info.numActionsTaken === 3,
      );
    } finally {
      await client.connection.close();
      await third.stop();
    }
  });

  it('survives SIGKILL of the server process: answered patches are kept, nothing is taken twice', async () => {
    const port = await findFreePort();
    const address = `127.0.0.1:${port}`;
    const startServer = () => startServerProcess(port, db.url);
    const kill = killServerProcess;
    let server = await startServer();
    const client = new Client({ connection: await Connection.connect({ address }) });
    try {
      const handle = await client.schedule.create({
        scheduleId: 'killed',
        spec: { cronExpressions: ['0 3 * * *'], timezone: 'Asia/Shanghai' },
        action: {
          type: 'startWorkflow',
          workflowType: 'waitsForSignal',
          taskQueue: 'killed',
          workflowId: 'killed-wf',
        },
      });
      const at = Math.floor(Date.now() / 1000) * 1000 + HOUR;
      const trigger = (scheduledAt: number, overlapPolicy?: temporal.api.enums.v1.ScheduleOverlapPolicy) =>
        client.workflowService.patchSchedule({
          namespace: 'default',
          scheduleId: 'killed',
          requestId: randomUUID(),
          patch: {
            triggerImmediately: { scheduledTime: optionalDateToTs(new Date(scheduledAt)), overlapPolicy },
          },
        });
      await trigger(at);
      await handle.pause('frozen before the crash');
      await kill(server);
      server = await startServer();

      const d = await handle.describe();
      expect(d.state).toMatchObject({ paused: true, note: 'frozen before the crash' });
      expect(d.spec.timezone).toBe('Asia/Shanghai');
      expect(d.info.numActionsTaken).toBe(1);
      expect(d.info.recentActions.map((a) => a.action.workflow.workflowId)).toEqual([`killed-wf-${iso(at)}`]);
      // 03:00 in Shanghai is 19:00 UTC.
      for (const t of d.info.nextActionTimes) expect(t.getUTCHours()).toBe(19);
      // The first (the schedule's SKIP policy) is the running one after the restart too: SKIP skips.
      expect(d.info.runningActions.map((a) => a.workflow.workflowId)).toEqual([`killed-wf-${iso(at)}`]);
      await trigger(at + HOUR);
      expect((await handle.describe()).info.numActionsSkippedOverlap).toBe(1);
      await trigger(at + HOUR, temporal.api.enums.v1.ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL);
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query: `TemporalScheduledById = 'killed'` }))
        ids.push(wf.workflowId);
      expect(ids.sort()).toEqual([`killed-wf-${iso(at)}`, `killed-wf-${iso(at + HOUR)}`]);
      expect((await handle.describe()).info.numActionsTaken).toBe(2);
    } finally {
      await client.connection.close();
      await kill(server);
    }
  });
});
