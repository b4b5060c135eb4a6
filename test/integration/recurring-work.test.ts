import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { Client, Connection, ScheduleOverlapPolicy, type ScheduleDescription } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createRegistry } from '../../activities/registry';
import {
  ensureSchedule,
  recurringSchedules,
  SCHEDULE_DEFINITION_MEMO,
  startRecurringWork,
} from '../../apps/worker/recurring-work';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../infra/database/data-source';
import { CreditRecord, ListEntry, PlatformOutbox } from '../../infra/database/entities/registry';
import { QuarterlyReport } from '../../infra/database/entities/supervision/quarterly-report.entity';
import { findFreePort } from '../../infra/net';
import { startEmbeddedTemporal } from '../../infra/temporal/embedded-temporal';
import { PLATFORM_OUTBOX_RELAY_WORKFLOW_ID } from '../../workflows/maintenance/platform-outbox-relay';
import {
  REGISTRY_MAINTENANCE_WORKFLOW_ID,
  registryMaintenance,
} from '../../workflows/maintenance/registry-maintenance';
import {
  REGISTRY_MAINTENANCE_SCHEDULE_ID,
  type RegistryMaintenancePassResult,
} from '../../workflows/maintenance/registry-maintenance-pass';
import { DIRECTORY } from '../../workflows/reference/directory';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import {
  QUARTERLY_REPORTS_SCHEDULE_ID,
  QUARTERLY_REPORTS_WORKFLOW_ID,
  quarterlyReports,
} from '../../workflows/supervision/quarterly-reports';
import { nextQuarter, previousQuarter, quarterAt, reportCutoff } from '../../workflows/supervision/quarters';
import { createTestDatabase } from '../support/database';
import { ROOT } from '../support/launched-service';

const { EventType } = temporal.api.enums.v1;
const DAY = 24 * 3_600_000;

async function scheduleIds(client: Client): Promise<string[]> {
  const ids: string[] = [];
  for await (const s of client.schedule.list()) ids.push(s.scheduleId);
  return ids.sort();
}

async function terminationReason(client: Client, workflowId: string): Promise<string | undefined> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const last = history.events?.[history.events.length - 1];
  expect(last?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
  return last?.workflowExecutionTerminatedEventAttributes?.reason ?? undefined;
}

/** The first `count` report cut-offs after `nowMs`. */
function cutoffsAfter(nowMs: number, count: number): number[] {
  let quarter = quarterAt(nowMs);
  if (Date.parse(reportCutoff(quarter)) <= nowMs) quarter = nextQuarter(quarter);
  const out: number[] = [];
  for (let i = 0; i < count; i++, quarter = nextQuarter(quarter)) out.push(Date.parse(reportCutoff(quarter)));
  return out;
}

/**
 * The worker's start (apps/launcher/stack.ts → apps/worker/recurring-work.ts) on the embedded dev
 * server with its state in PostgreSQL, as `npm start` runs it, over an installation that still has
 * the long-lived registryMaintenance and quarterlyReports runs of the versions before issue #19.
 */
describe('recurring work: the registry maintenance and quarterly report schedules the worker’s start sets up', () => {
  jest.setTimeout(300_000);
  let db: { url: string; drop: () => Promise<void> };
  let dataDir: string;
  let port: number;
  let dataSource: DataSource;
  let worker: { child: ChildProcess; exited: Promise<unknown>; output: () => string } | undefined;
  let client: Client;
  let connection: Connection;
  const taskQueue = 'recurring-work';
  const overdueQuarter = previousQuarter(quarterAt(Date.now()));

  /** `npm run start:worker`: the worker and the embedded dev server, its state in the test database. */
  const start = async () => {
    const child = spawn(process.execPath, ['infra/run-ts.js', 'apps/worker/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        DATABASE_URL: db.url,
        TEMPORAL_ADDRESS: '',
        EMBEDDED_TEMPORAL_PORT: String(port),
        TEMPORAL_TASK_QUEUE: taskQueue,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    worker = { child, exited, output: () => out };
    // The ready line comes after the recurring work is set up (apps/launcher/stack.ts).
    while (!out.includes('任务队列')) {
      if (child.exitCode !== null) throw new Error(`the worker exited at start:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    client = new Client({ connection });
  };
  const stop = async () => {
    await connection?.close();
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGINT');
    await worker?.exited;
    worker = undefined;
  };

  beforeAll(async () => {
    db = await createTestDatabase('recur');
    mkdirSync(path.join(ROOT, '.test-data'), { recursive: true });
    dataDir = mkdtempSync(path.join(ROOT, '.test-data', 'recurring-'));
    port = await findFreePort();
    // The installation as the previous version left it: its dev server (same data, same database)
    // holds the two long-lived runs, the reports one still owing the last quarter (the service was
    // down at its cut-off).
    const previous = await startEmbeddedTemporal({
      port,
      namespace: 'default',
      dataDir: path.join(dataDir, 'temporal'),
      databaseUrl: db.url,
    });
    const old = new Client({ connection: await Connection.connect({ address: previous.address }) });
    await old.workflow.start(registryMaintenance, {
      workflowId: REGISTRY_MAINTENANCE_WORKFLOW_ID,
      taskQueue,
      args: [],
    });
    await old.workflow.start(quarterlyReports, {
      workflowId: QUARTERLY_REPORTS_WORKFLOW_ID,
      taskQueue,
      args: [{ quarter: overdueQuarter }],
    });
    await old.connection.close();
    await previous.stop();
    await start();
    dataSource = await openDatabase(db.url);
  });
  afterAll(async () => {
    await stop();
    await dataSource?.destroy();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends the long-lived runs with a reason, creates both schedules, starts the relay and hands the owed quarter to a pass', async () => {
    for (const [id, scheduleId] of [
      [REGISTRY_MAINTENANCE_WORKFLOW_ID, REGISTRY_MAINTENANCE_SCHEDULE_ID],
      [QUARTERLY_REPORTS_WORKFLOW_ID, QUARTERLY_REPORTS_SCHEDULE_ID],
    ]) {
      expect((await client.workflow.getHandle(id).describe()).status.name).toBe('TERMINATED');
      expect(await terminationReason(client, id)).toContain(scheduleId);
    }
    expect(await scheduleIds(client)).toEqual(
      [QUARTERLY_REPORTS_SCHEDULE_ID, REGISTRY_MAINTENANCE_SCHEDULE_ID].sort(),
    );

    const maintenance = await client.schedule.getHandle(REGISTRY_MAINTENANCE_SCHEDULE_ID).describe();
    expect(maintenance.spec.timezone).toBe('Asia/Shanghai');
    expect(maintenance.policies).toMatchObject({ overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: DAY });
    expect(maintenance.action).toMatchObject({
      workflowType: 'registryMaintenancePass',
      taskQueue: taskQueue,
    });
    // 01:30 in Shanghai is 17:30 UTC the day before, once a day.
    const times = maintenance.info.nextActionTimes.map((t) => t.getTime());
    expect(times.length).toBeGreaterThan(1);
    for (const t of times) expect([new Date(t).getUTCHours(), new Date(t).getUTCMinutes()]).toEqual([17, 30]);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBe(DAY);

    const reports = await client.schedule.getHandle(QUARTERLY_REPORTS_SCHEDULE_ID).describe();
    expect(reports.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(reports.action).toMatchObject({ workflowType: 'quarterlyReportsPass' });
    // Exactly the quarters' cut-offs (last day, 18:00 Beijing), as quarters.ts computes them.
    const next = reports.info.nextActionTimes.map((t) => t.getTime());
    expect(next.slice(0, 5)).toEqual(cutoffsAfter(Date.now(), 5));

    expect((await client.workflow.getHandle(PLATFORM_OUTBOX_RELAY_WORKFLOW_ID).describe()).status.name).toBe(
      'RUNNING',
    );

    // The quarter the old run still owed is reported by a pass.
    const handover = client.workflow.getHandle(
      `supervision-quarterly-reports-pass-handover-${overdueQuarter}`,
    );
    expect(await handover.result()).toEqual({ quarter: overdueQuarter });
    const stored = await dataSource.getRepository(QuarterlyReport).findBy({ quarter: overdueQuarter });
    expect(stored.map((r) => r.jurisdiction).sort()).toEqual(DIRECTORY.map((j) => j.code).sort());
    for (const r of stored) expect(r).toMatchObject({ final: true, producedBy: 'schedule' });
  });

  it('triggering the maintenance schedule runs one pass: publicity ends at its maximum, a record past retention is deleted, a list entry past validity exits', async () => {
    const registry = createRegistry(dataSource);
    const first17 = '52410422MJ0000779';
    const subjectCode = first17 + usccCheckCharacter(first17);
    await registry.subjects.register({
      kind: 'other-organisation',
      code: subjectCode,
      name: '计划维护协会',
      actor: 't',
    });
    const record = (
      documentNo: string,
      dates: { publicityStart?: string; publicityMaxEnd?: string; retentionEnd?: string },
    ) =>
      registry.records.register({
        subjectCode,
        kind: 'administrative-penalty',
        department: '叶县民政局',
        documentNo,
        decisionDate: '2021-03-01',
        title: '违规',
        content: '罚款',
        ...dates,
        actor: 'p',
      });
    const lapsed = await record('叶民罚〔2023〕31号', {
      publicityStart: '2023-03-05',
      publicityMaxEnd: '2026-03-05',
    });
    const pastRetention = await record('叶民罚〔2021〕32号', { retentionEnd: '2026-06-01' });
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
    await dataSource.query(`UPDATE credit_list_entry SET expires_on = current_date - 1 WHERE id = $1`, [
      entry.id,
    ]);

    const schedule = client.schedule.getHandle(REGISTRY_MAINTENANCE_SCHEDULE_ID);
    await schedule.trigger();
    const { info } = await schedule.describe();
    expect(info.numActionsTaken).toBe(1);
    const run = client.workflow.getHandle(info.recentActions[0].action.workflow.workflowId);
    expect(await run.result()).toEqual<RegistryMaintenancePassResult>({ expired: 1, deleted: 1, exited: 1 });

    const records = dataSource.getRepository(CreditRecord);
    expect((await records.findOneByOrFail({ id: lapsed.record.id })).status).toBe('expired');
    expect((await records.findOneByOrFail({ id: pastRetention.record.id })).status).toBe('deleted');
    const exited = await dataSource.getRepository(ListEntry).findOneByOrFail({ id: entry.id });
    expect(exited.exitCause).toBe('expired');
    expect(exited.exitedOn).not.toBeNull();
    // The exit is on its way to the platform (the relay pushes it; the pass does not push).
    const outbox = await dataSource.getRepository(PlatformOutbox).find();
    expect(
      outbox.filter((o) => o.eventType === 'list.exited' && o.payload.entryId === entry.id),
    ).toHaveLength(1);
  });

  it('a second start, on a dev server restarted on its PostgreSQL storage, keeps the same schedules and fails on nothing', async () => {
    const before = new Map<string, ScheduleDescription>();
    for (const id of await scheduleIds(client))
      before.set(id, await client.schedule.getHandle(id).describe());
    const relayRun = (await client.workflow.getHandle(PLATFORM_OUTBOX_RELAY_WORKFLOW_ID).describe()).runId;
    await stop();
    await start();

    expect(await scheduleIds(client)).toEqual([...before.keys()].sort());
    for (const [id, was] of before) {
      const now = await client.schedule.getHandle(id).describe();
      expect(now.info.createdAt).toEqual(was.info.createdAt);
      // Not rewritten: the definition is this version's already.
      expect(now.raw.conflictToken).toEqual(was.raw.conflictToken);
      expect(now.info.numActionsTaken).toBe(was.info.numActionsTaken);
      expect(now.spec).toEqual(was.spec);
    }
    const relay = await client.workflow.getHandle(PLATFORM_OUTBOX_RELAY_WORKFLOW_ID).describe();
    expect(relay).toMatchObject({ runId: relayRun, status: { name: 'RUNNING' } });
    for (const id of [REGISTRY_MAINTENANCE_WORKFLOW_ID, QUARTERLY_REPORTS_WORKFLOW_ID]) {
      expect((await client.workflow.getHandle(id).describe()).status.name).toBe('TERMINATED');
    }
  });

  it('a schedule an older definition wrote is updated to this one at start; its pause and note stay', async () => {
    const [current] = recurringSchedules(taskQueue);
    const schedule = client.schedule.getHandle(current.scheduleId);
    const older = { ...current, spec: { calendars: [{ hour: 4 }], timezone: 'Asia/Shanghai' } };
    await schedule.delete();
    expect(await ensureSchedule(client, older)).toBe('created');
    await schedule.pause('节假日暂停');
    const olderMark = (await schedule.describe()).action.memo?.[SCHEDULE_DEFINITION_MEMO];

    await startRecurringWork(client, { taskQueue: taskQueue });
    const updated = await schedule.describe();
    expect(updated.action.memo?.[SCHEDULE_DEFINITION_MEMO]).not.toEqual(olderMark);
    expect(updated.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 1, end: 1, step: 1 }],
      minute: [{ start: 30, end: 30, step: 1 }],
    });
    expect(updated.state).toMatchObject({ paused: true, note: '节假日暂停' });
    expect(await ensureSchedule(client, current)).toBe('unchanged');
    await schedule.unpause();
  });
});
