import { randomUUID } from 'node:crypto';
import { Client, ScheduleOverlapPolicy } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { createRegistry } from '../../activities/registry';
import { ensureSchedule, recurringSchedules } from '../../apps/worker/recurring-work';
import { openDatabase } from '../../infra/database/data-source';
import { Notification } from '../../infra/database/entities';
import { ListEntry, PlatformOutbox, PlatformSink } from '../../infra/database/entities/registry';
import { QuarterlyReport } from '../../infra/database/entities/supervision/quarterly-report.entity';
import type { platformOutboxRelay } from '../../workflows/maintenance/platform-outbox-relay';
import type { registryMaintenancePass } from '../../workflows/maintenance/registry-maintenance-pass';
import { DIRECTORY } from '../../workflows/reference/directory';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import {
  lastClosedQuarter,
  QUARTERLY_REPORTS_SCHEDULE_ID,
  type quarterlyReportsPass,
} from '../../workflows/supervision/quarterly-reports';
import { nextQuarter, previousQuarter, quarterAt, reportCutoff } from '../../workflows/supervision/quarters';
import { createTimeSkippingEnv } from '../dev-server/support';
import { createTestDatabase } from '../support/database';
import { recordHistory } from '../support/replay';
import { eventually } from '../support/eventually';

describe('the scheduled passes of the registry maintenance and the quarterly reports, and the platform relay', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let env: TestWorkflowEnvironment;
  // A plain client: the testing client would unlock time skipping while it waits for results.
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `recurring-${randomUUID()}`;

  beforeAll(async () => {
    db = await createTestDatabase('recurwf');
    dataSource = await openDatabase(db.url);
    env = await createTimeSkippingEnv();
    client = new Client({ connection: env.connection });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities: createActivities({ dataSource }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('the quarterly schedule fires at the quarter’s cut-off and its pass stores every jurisdiction’s final report of that quarter', async () => {
    const now = await env.currentTimeMs();
    const quarter =
      Date.parse(reportCutoff(quarterAt(now))) > now ? quarterAt(now) : nextQuarter(quarterAt(now));
    const schedule = recurringSchedules(taskQueue).find(
      (s) => s.scheduleId === QUARTERLY_REPORTS_SCHEDULE_ID,
    )!;
    expect(await ensureSchedule(client, schedule)).toBe('created');
    const handle = client.schedule.getHandle(schedule.scheduleId);
    // One second past the cut-off: the action is taken, nothing of the next quarter yet.
    await env.sleep(Date.parse(reportCutoff(quarter)) - now + 1000);
    const { info } = await handle.describe();
    expect(info.numActionsTaken).toBe(1);
    expect(info.recentActions[0].scheduledAt.toISOString()).toBe(reportCutoff(quarter));
    const run = client.workflow.getHandle<typeof quarterlyReportsPass>(
      info.recentActions[0].action.workflow.workflowId,
    );
    expect(await run.result()).toEqual({ quarter });

    const reports = await dataSource.getRepository(QuarterlyReport).findBy({ quarter });
    expect(reports.map((r) => r.jurisdiction).sort()).toEqual(DIRECTORY.map((j) => j.code).sort());
    for (const r of reports) {
      expect(r).toMatchObject({ final: true, producedBy: 'schedule' });
      expect(r.countedUntil.toISOString()).toBe(reportCutoff(quarter));
    }
    await recordHistory(run, 'supervision', 'quarterly reports pass started by the schedule at the cut-off');

    // An action taken late (a backfill here, a catch-up after an outage alike) reports the quarter
    // of its scheduled time: the previous one, not the one that closed last before it ran.
    const earlier = previousQuarter(quarter);
    const earlierCutoff = Date.parse(reportCutoff(earlier));
    await handle.backfill({
      start: new Date(earlierCutoff - 60_000),
      end: new Date(earlierCutoff + 60_000),
      overlap: ScheduleOverlapPolicy.ALLOW_ALL,
    });
    const backfilled = await eventually(
      () => handle.describe(),
      (d) => d.info.numActionsTaken === 2,
    );
    const late = backfilled.info.recentActions.find((a) => a.scheduledAt.getTime() === earlierCutoff)!;
    expect(await client.workflow.getHandle(late.action.workflow.workflowId).result()).toEqual({
      quarter: earlier,
    });
    expect(await dataSource.getRepository(QuarterlyReport).countBy({ quarter: earlier, final: true })).toBe(
      DIRECTORY.length,
    );
    await handle.delete();
  });

  it('a late or manual pass reports the last quarter closed at its scheduled time, not the quarter it runs in', () => {
    const cutoff = Date.parse(reportCutoff('2026Q4'));
    expect(lastClosedQuarter(cutoff)).toBe('2026Q4');
    expect(lastClosedQuarter(cutoff - 1)).toBe('2026Q3');
    // Caught up on 2 January after an outage: still the quarter that ended.
    expect(lastClosedQuarter(Date.parse('2027-01-02T09:00:00+08:00'))).toBe('2026Q4');
  });

  it('one maintenance pass takes a subject off a list when its validity ended; the relay pushes the exit and tells the executing department', async () => {
    const registry = createRegistry(dataSource);
    const first17 = '52410422MJ0000780';
    const subjectCode = first17 + usccCheckCharacter(first17);
    await registry.subjects.register({
      kind: 'other-organisation',
      code: subjectCode,
      name: '中继测试协会',
      actor: 't',
    });
    const { entry } = await registry.lists.addEntry({
      subjectCode,
      listType: 'black',
      domain: '民政',
      listName: '社会组织严重违法失信名单',
      department: '叶县民政局',
      basis: '认定',
      effectiveFrom: '2023-01-01',
      expiresOn: '2099-01-01',
      actor: 'p',
    });
    await registry.measures.define({
      code: 'CJ-RELAY-1',
      name: '从严审核',
      kind: 'punishment',
      legalBasis: '备忘录',
      applicableLists: ['black'],
      publishedOn: '2023-01-01',
      actor: 'admin',
    });
    await registry.measures.apply({
      subjectCode,
      measureCode: 'CJ-RELAY-1',
      matter: '年检',
      executingDepartment: '叶县民政局行政审批股',
      listEntryId: entry.id,
      actor: 'cw',
    });
    await dataSource.query(`UPDATE credit_list_entry SET expires_on = current_date - 1 WHERE id = $1`, [
      entry.id,
    ]);

    const pass = await client.workflow.start<typeof registryMaintenancePass>('registryMaintenancePass', {
      taskQueue,
      workflowId: `registry-maintenance-pass-${randomUUID()}`,
    });
    expect(await pass.result()).toEqual({ expired: 0, deleted: 0, exited: 1 });
    expect((await dataSource.getRepository(ListEntry).findOneByOrFail({ id: entry.id })).exitCause).toBe(
      'expired',
    );
    // The pass leaves the pushing to the relay.
    expect(
      await dataSource.getRepository(PlatformOutbox).countBy({ status: 'pending', eventType: 'list.exited' }),
    ).toBe(1);
    await recordHistory(
      pass,
      'maintenance',
      'registry maintenance pass exits a list entry past its validity',
    );

    const relay = await client.workflow.start<typeof platformOutboxRelay>('platformOutboxRelay', {
      taskQueue,
      workflowId: `platform-outbox-relay-${randomUUID()}`,
      args: [{ pushEveryMs: 200 }],
    });
    const sink = await eventually(
      () => dataSource.getRepository(PlatformSink).find(),
      (rows) => rows.some((r) => r.eventType === 'list.exited' && r.payload.entryId === entry.id),
    );
    expect(sink.filter((r) => r.payload.entryId === entry.id).map((r) => r.eventType)).toEqual([
      'list.exited',
    ]);
    const notice = await eventually(
      () =>
        dataSource
          .getRepository(Notification)
          .findOneByOrFail({ dedupeKey: `list-exit:${entry.id}:叶县民政局行政审批股` }),
      (n) => n.status === 'sent',
    );
    expect(notice).toMatchObject({ recipient: 'supervisor@叶县民政局行政审批股', channel: 'internal' });
    await relay.terminate('test finished');
    await recordHistory(relay, 'maintenance', 'platform outbox relay pushes an exit and delivers its notice');
  });
});
