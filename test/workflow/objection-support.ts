import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { CalendarStore } from '../../activities/calendar/calendar-store';
import { createRegistry, Registry, RegistryError } from '../../activities/registry';
import { ensureSearchAttributes } from '../../apps/worker/search-attributes';
import { openDatabase } from '../../infra/database/data-source';
import { Notification } from '../../infra/database/entities';
import { AppliedMeasure, CreditRecord } from '../../infra/database/entities/registry';
import type {
  ObjectionActivities,
  RestorationTaskInput,
} from '../../workflows/objection/activities-contract';
import { objectionStateQuery } from '../../workflows/objection/messages';
import type { objection } from '../../workflows/objection/objection';
import type { PublishCaseInput } from '../../workflows/case/types';
import type { ObjectionSnapshot, ObjectionView } from '../../workflows/objection/state';
import { objectionWorkflowId, type ObjectionStart } from '../../workflows/objection/types';
import { statutoryHolidays } from '../../workflows/calendar';
import { policyInForceAt } from '../../workflows/policies';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { createTimeSkippingEnv } from '../dev-server/support';
import { createTestDatabase } from '../support/database';

/**
 * One objection test world: a database with the registry, a time-skipping Temporal (our dev
 * server's test-server form) and a worker running the real workflows and activities.
 */
export interface ObjectionWorld {
  env: TestWorkflowEnvironment;
  dataSource: DataSource;
  registry: Registry;
  /** Every publication of the workflows, in order (what the read model was sent). */
  published: PublishCaseInput<ObjectionView>[];
  restorationTasks: RestorationTaskInput[];
  taskQueue: string;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
const workflowBundle = () =>
  (bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger }));
const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => console.error(m),
};

/**
 * A plausible 2027 arrangement (test fixture, not the State Council's notice): the statutory
 * holidays, with National Day as a week, Fri 10-01 to Thu 10-07, and Sun 09-26 and Sat 10-09
 * worked. The package has no 2027 data, so without it 2027 would be provisional.
 */
export const CALENDAR_2027 = {
  holidays: [
    ...new Set([
      ...Object.keys(statutoryHolidays(2027)),
      ...['2027-10-01', '2027-10-02', '2027-10-03', '2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07'],
    ]),
  ].sort(),
  makeupWorkdays: ['2027-09-26', '2027-10-09'],
  reason: '测试用 2027 年节假日安排',
};

/**
 * `wrap` lets a test put its hand between the workflows and an activity (e.g. fail an attempt
 * after the real one committed, as a lost answer would).
 */
export async function createObjectionWorld(
  options: { wrap?: (activities: ReturnType<typeof createActivities>) => Record<string, unknown> } = {},
): Promise<ObjectionWorld> {
  const db = await createTestDatabase('objwf');
  const dataSource = await openDatabase(db.url);
  const calendars = new CalendarStore(dataSource);
  await calendars.seedFromPackage();
  await calendars.declareYear(2027, CALENDAR_2027, 'test');
  const env = await createTimeSkippingEnv();
  await ensureSearchAttributes(env.nativeConnection, env.namespace ?? 'default');
  const published: PublishCaseInput<ObjectionView>[] = [];
  const restorationTasks: RestorationTaskInput[] = [];
  const base = createActivities({ dataSource });
  const real = base as Partial<ObjectionActivities>;
  const activities = {
    ...base,
    async publishCase(input: PublishCaseInput) {
      published.push(input as PublishCaseInput<ObjectionView>);
      await base.publishCase(input);
    },
    async openRestorationTask(input: RestorationTaskInput) {
      if (!restorationTasks.some((t) => t.caseId === input.caseId)) restorationTasks.push(input);
      if (real.openRestorationTask) return real.openRestorationTask(input);
      return { taskId: `restoration-${input.caseId}`, created: true };
    },
    ...options.wrap?.(base),
  };
  const taskQueue = `objection-${randomUUID()}`;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const world: ObjectionWorld = {
    env,
    dataSource,
    registry: createRegistry(dataSource),
    published,
    restorationTasks,
    taskQueue,
    async startWorker() {
      worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities,
      });
      running = worker.run();
    },
    async stopWorker() {
      worker?.shutdown();
      await running;
      worker = undefined;
    },
    async close() {
      await world.stopWorker();
      await env.teardown();
      await dataSource.destroy();
      await db.drop();
    },
  };
  await world.startWorker();
  return world;
}

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
let subjectSeq = 0;

/** A subject with one administrative-penalty record of the provider; optionally black-listed with a measure. */
export async function recordOf(
  world: ObjectionWorld,
  provider: string,
  options: { withMeasure?: boolean } = {},
): Promise<{ recordId: string; subjectCode: string; subjectName: string; measureIds: string[] }> {
  const n = ++subjectSeq;
  const subjectCode = uscc(
    `52410422MJ${String(process.pid % 100).padStart(2, '0')}${String(n).padStart(5, '0')}`,
  );
  const subjectName = `测试社会组织${n}号`;
  await world.registry.subjects.register({
    kind: 'other-organisation',
    code: subjectCode,
    name: subjectName,
    actor: 't',
  });
  const { record } = await world.registry.records.register({
    subjectCode,
    kind: 'administrative-penalty',
    department: provider,
    documentNo: `测罚〔2026〕${n}号`,
    decisionDate: '2026-03-02',
    severityTier: '一般',
    title: '未按规定报送年度工作报告',
    content: '警告',
    publicityStart: '2026-03-05',
    publicityMinEnd: '2026-06-05',
    publicityMaxEnd: '2029-03-05',
    actor: 'provider.1',
  });
  const measureIds: string[] = [];
  if (options.withMeasure) {
    const { entry } = await world.registry.lists.addEntry({
      subjectCode,
      listType: 'black',
      domain: '民政',
      listName: '社会组织严重违法失信名单',
      department: provider,
      basis: '认定',
      recordId: record.id,
      effectiveFrom: '2026-03-02',
      actor: 'p',
    });
    await world.registry.measures
      .define({
        code: 'CJ-OBJ',
        name: '从严审核行政许可',
        kind: 'punishment',
        legalBasis: '联合惩戒备忘录',
        applicableLists: ['black'],
        publishedOn: '2025-12-01',
        actor: 'admin',
      })
      .catch((e: RegistryError) => {
        if (e.code !== 'MEASURE_CODE_TAKEN') throw e;
      });
    const { applied } = await world.registry.measures.apply({
      subjectCode,
      measureCode: 'CJ-OBJ',
      matter: '年检',
      executingDepartment: provider,
      listEntryId: entry.id,
      actor: 'cw',
    });
    measureIds.push(applied.id);
  }
  return { recordId: record.id, subjectCode, subjectName, measureIds };
}

/** Moves the test server's clock to an instant (it only moves forward). */
export async function skipTo(world: ObjectionWorld, iso: string): Promise<void> {
  const now = await world.env.currentTimeMs();
  const target = Date.parse(iso);
  if (target > now) await world.env.sleep(target - now);
}

let caseSeq = 0;

/** Starts an objection case received at `receivedAt` (the server clock is moved there first). */
export async function startCase(
  world: ObjectionWorld,
  input: {
    jurisdiction: string;
    office: string;
    provider: string;
    receivedAt: string;
    record: { recordId: string; subjectCode: string; subjectName: string };
    contact?: string;
  },
): Promise<WorkflowHandle<typeof objection>> {
  await skipTo(world, input.receivedAt);
  const policy = policyInForceAt(input.jurisdiction, input.receivedAt.slice(0, 10));
  if (!policy) throw new Error(`no policy for ${input.jurisdiction}`);
  const caseId = randomUUID();
  const start: ObjectionStart = {
    caseId,
    caseNo: `YY-2027-${String(++caseSeq).padStart(6, '0')}`,
    jurisdiction: input.jurisdiction,
    policy,
    officeDepartment: input.office,
    officeName: input.office,
    providerDepartment: input.provider,
    applicant: {
      name: '张三',
      contact: input.contact ?? '13800000000',
      subjectCode: input.record.subjectCode,
      subjectName: input.record.subjectName,
    },
    channel: 'window',
    recordId: input.record.recordId,
    recordDescription: '行政处罚：未按规定报送年度工作报告',
    grounds: ['facts-wrong'],
    groundsText: '已于规定期限内报送，有回执为证',
    attachments: [{ ref: 'doc-1', name: '报送回执' }],
    receivedBy: 'caseworker.1',
    receivedAt: input.receivedAt,
  };
  return world.env.client.workflow.start<typeof objection>('objection', {
    taskQueue: world.taskQueue,
    workflowId: objectionWorkflowId(caseId),
    args: [start],
  });
}

export const stateOf = (handle: WorkflowHandle) => handle.query(objectionStateQuery);

/** Waits (in real time, the clock does not move) until the case's state satisfies `ok`. */
export async function waitFor(
  handle: WorkflowHandle,
  ok: (s: ObjectionSnapshot) => boolean,
  timeoutMs = 20_000,
): Promise<ObjectionSnapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await stateOf(handle);
    if (ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`case state not reached; last: ${JSON.stringify(s, null, 1)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const notificationsOf = (world: ObjectionWorld, caseId: string) =>
  world.dataSource.getRepository(Notification).find({ where: { caseId }, order: { createdAt: 'ASC' } });

export const recordRow = (world: ObjectionWorld, id: string) =>
  world.dataSource.getRepository(CreditRecord).findOneByOrFail({ id });

export const measureStatuses = async (world: ObjectionWorld, ids: string[]) => {
  const rows = await world.dataSource.getRepository(AppliedMeasure).findBy(ids.map((id) => ({ id })));
  return ids.map((id) => rows.find((r) => r.id === id)?.status);
};

/** Beijing end of a calendar day, as deadlines are stored. */
export const endOfDay = (date: string) => new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString();
