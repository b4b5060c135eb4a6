import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { openDatabase } from '../../infra/database/data-source';
import { Notification } from '../../infra/database/entities';
import { QuarterlyReport } from '../../infra/database/entities/supervision/quarterly-report.entity';
import { DIRECTORY } from '../../workflows/reference/directory';
import type { quarterlyReports } from '../../workflows/supervision/quarterly-reports';
import { nextQuarter, quarterAt, reportCutoff, reportDeadline } from '../../workflows/supervision/quarters';
import { createTimeSkippingEnv } from '../dev-server/support';
import { createTestDatabase } from '../support/database';
import { recordHistory } from '../support/replay';

const { EventType } = temporal.api.enums.v1;
const eventMs = (e: temporal.api.history.v1.IHistoryEvent) =>
  Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);

describe('quarterly supervision reports (新郑 八(三): before the 1st of the next quarter’s first month)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `quarterly-${randomUUID()}`;

  beforeAll(async () => {
    db = await createTestDatabase('qrwf');
    dataSource = await openDatabase(db.url);
    env = await createTimeSkippingEnv();
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

  it('sleeps to the quarter’s last day 18:00 Beijing, stores every jurisdiction’s report before the 1st, tells the supervisors and continues as new', async () => {
    const quarter = quarterAt(await env.currentTimeMs());
    const workflowId = `quarterly-reports-${randomUUID()}`;
    const handle = await env.client.workflow.start<typeof quarterlyReports>('quarterlyReports', {
      taskQueue,
      workflowId,
      args: [{}],
    });
    // To the 1st of the next quarter's first month, 00:00 Beijing time: the seed's deadline.
    await env.sleep(Date.parse(reportDeadline(quarter)) - (await env.currentTimeMs()));

    const first = env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId);
    const history = await first.fetchHistory();
    const events = history.events ?? [];
    const completed = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    // The list of jurisdictions, then one report each.
    expect(completed).toHaveLength(1 + DIRECTORY.length);
    for (const e of completed) {
      expect(eventMs(e)).toBeGreaterThanOrEqual(Date.parse(reportCutoff(quarter)));
      expect(eventMs(e)).toBeLessThan(Date.parse(reportDeadline(quarter)));
    }
    const last = events[events.length - 1];
    expect(last.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);

    const reports = await dataSource.getRepository(QuarterlyReport).findBy({ quarter });
    expect(reports.map((r) => r.jurisdiction).sort()).toEqual(DIRECTORY.map((j) => j.code).sort());
    for (const r of reports) {
      expect(r).toMatchObject({ final: true, producedBy: 'schedule' });
      expect(r.countedUntil.toISOString()).toBe(reportCutoff(quarter));
    }
    const notices = await dataSource
      .getRepository(Notification)
      .findBy({ kind: 'supervision.quarterly-report.ready' });
    expect(notices.map((n) => n.recipient).sort()).toEqual(
      DIRECTORY.map((j) => `supervisors@${j.code}`).sort(),
    );

    // The next run waits for the next quarter's cut-off.
    const next = await env.client.workflow.getHandle(workflowId).describe();
    expect(next.runId).not.toBe(handle.firstExecutionRunId);
    expect(next.status.name).toBe('RUNNING');
    const nextStart = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events![0];
    const input = await env.client.options.loadedDataConverter.payloadConverter.fromPayload(
      nextStart.workflowExecutionStartedEventAttributes!.input!.payloads![0],
    );
    expect(input).toEqual({ quarter: nextQuarter(quarter) });
    expect(await dataSource.getRepository(QuarterlyReport).countBy({ quarter: nextQuarter(quarter) })).toBe(
      0,
    );

    await recordHistory(
      first,
      'supervision',
      'quarter reported for every jurisdiction then continued as new',
    );
    await env.client.workflow.getHandle(workflowId).terminate('test finished');
  });
});
