import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import request from 'supertest';
import { createActivities } from '../../activities';
import { ensureSearchAttributes } from '../../apps/worker/search-attributes';
import { RectificationCase, RectificationEvent } from '../../infra/database/entities';
import { shanghaiDate } from '../../workflows/calendar/working-days';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { createTimeSkippingEnv } from '../dev-server/support';
import { startTestApi, type TestApi } from '../support/api';
import { eventually } from './objections-support';

/**
 * The whole stack for API tests of the rectification procedure (限期整改、约谈): the API on a fresh
 * database, a worker with the real workflows and activities, and our dev server in its
 * time-skipping form, so that a test can let the subject's deadline pass (`skip`). The API itself
 * runs on the real clock: the order is dated today.
 */
export interface RectificationStack {
  api: TestApi;
  env: TestWorkflowEnvironment;
  http(): ReturnType<typeof request>;
  /** Moves the server's clock forward by `ms`, or to just after an instant. */
  skip(ms: number): Promise<void>;
  skipPast(iso: string): Promise<void>;
  /** The server's clock (the workflows' now). */
  now(): Promise<number>;
  close(): Promise<void>;
}

export async function startRectificationStack(): Promise<RectificationStack> {
  const env = await createTimeSkippingEnv();
  await ensureSearchAttributes(env.nativeConnection, env.namespace ?? 'default');
  const taskQueue = `rectifications-${randomUUID()}`;
  const api = await startTestApi({ temporal: env.client, env: { TEMPORAL_TASK_QUEUE: taskQueue } });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: createActivities({ dataSource: api.dataSource }),
  });
  const running = worker.run();
  const now = () => env.currentTimeMs();
  return {
    api,
    env,
    http: () => request(api.app.getHttpServer()),
    skip: (ms) => env.sleep(ms),
    skipPast: async (iso) => {
      const wait = Date.parse(iso) + 60_000 - (await now());
      if (wait > 0) await env.sleep(wait);
    },
    now,
    close: async () => {
      worker.shutdown();
      await running;
      await api.close();
      await env.teardown();
    },
  };
}

export const JURISDICTION = 'yongchang';
/** The identifying department (认定部门) of the records, whose providers act (谁认定、谁约谈). */
export const DEPARTMENT = '永昌县市场监督管理局';
export const OTHER_DEPARTMENT = '永昌县税务局';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export const day = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000).toISOString());
const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
let seq = 0;

export function rectificationActors(stack: RectificationStack) {
  const { api } = stack;
  const http = () => stack.http();
  const provider = (department = DEPARTMENT, jurisdiction = JURISDICTION) =>
    api.auth(['provider'], { sub: `p@${department}`, department, jurisdiction });
  const caseworker = (department = DEPARTMENT, jurisdiction = JURISDICTION) =>
    api.auth(['caseworker'], { sub: `cw@${department}`, department, jurisdiction });
  const supervisor = (jurisdiction = JURISDICTION) =>
    api.auth(['supervisor'], { sub: `sup@${jurisdiction}`, jurisdiction });

  /** A registered company with one record of `department` (a penalty of tier 一般 unless told). */
  async function record(options: { department?: string; kind?: string } = {}) {
    const n = ++seq;
    const subjectCode = uscc(
      `91620321MA${String(process.pid % 100).padStart(2, '0')}${String(n).padStart(5, '0')}`,
    );
    await http()
      .post('/api/subjects')
      .set(caseworker())
      .send({
        kind: 'legal-person',
        code: subjectCode,
        name: `永昌整改测试商贸有限公司${n}号`,
        jurisdiction: JURISDICTION,
      })
      .expect(201);
    const res = await http()
      .post('/api/records')
      .set(provider(options.department ?? DEPARTMENT))
      .send({
        subjectCode,
        kind: options.kind ?? 'administrative-penalty',
        documentNo: `永市监罚〔2026〕${n}号`,
        decisionDate: day(-10),
        severityTier: '一般',
        title: '未按规定公示年度报告',
        content: '警告，责令改正',
        publicityStart: day(-7),
        publicityMaxEnd: day(360),
      })
      .expect(201);
    return { recordId: res.body.id as string, subjectCode };
  }
  const body = (recordId: string, extra: Json = {}): Json => ({
    recordId,
    obligations: ['补报并公示2026年度报告', '建立年度报告报送责任制度'],
    contact: { name: '王五', contact: '13700000000' },
    ...extra,
  });

  /** Orders a rectification through the API (201); returns the answer with the subject's code. */
  async function order(options: { extra?: Json; who?: Record<string, string> } = {}): Promise<Json> {
    const r = await record();
    const res = await http()
      .post('/api/rectifications')
      .set(options.who ?? provider())
      .set('Idempotency-Key', `key-${randomUUID()}`)
      .send(body(r.recordId, options.extra))
      .expect(201);
    return { ...res.body, ...r };
  }

  const detail = (id: string): Promise<Json> =>
    http()
      .get(`/api/rectifications/${id}`)
      .set(supervisor())
      .expect(200)
      .then((r) => r.body as Json);

  /** Waits until the file satisfies `ok`. */
  const fileOf = (id: string, ok: (c: Json) => boolean): Promise<Json> => eventually(() => detail(id), ok);

  /** What a refused request must not change: status, stage, reports, interviews, timeline. */
  const state = async (id: string) => {
    const row = await api.dataSource.getRepository(RectificationCase).findOneByOrFail({ id });
    const events = await api.dataSource
      .getRepository(RectificationEvent)
      .find({ where: { caseId: id }, order: { seq: 'ASC' } });
    return {
      status: row.status,
      stage: row.stage,
      reports: row.snapshot?.reports.map((r) => ({ no: r.no, verification: r.verification })) ?? [],
      interviews:
        row.snapshot?.interviews.map((i) => ({ kind: i.kind, schedules: i.schedules.length })) ?? [],
      timeline: events.map((e) => ({ seq: e.seq, kind: e.kind })),
    };
  };

  const rows = () => api.dataSource.getRepository(RectificationCase);

  const act = (id: string, path: string, send: Json, who = provider()) =>
    http().post(`/api/rectifications/${id}/${path}`).set(who).send(send);

  /** The subject's report without a token. */
  const report = (c: Json, description = '已补报年度报告') =>
    http()
      .post('/api/rectifications/lookup/report')
      .send({
        queryCode: c.queryCode,
        subjectCode: c.subjectCode,
        description,
        attachments: [{ ref: 'DOC-1', name: '年度报告公示截图' }],
      });

  /** An interview's schedule `hours` after the server's now. */
  const schedule = async (hours = 24) => ({
    at: new Date((await stack.now()) + hours * 3_600_000).toISOString(),
    place: '永昌县市场监督管理局三楼会议室',
    participants: ['张科长（信用监管股）'],
    representative: { name: '王五', capacity: '法定代表人' },
  });

  return {
    http,
    provider,
    caseworker,
    supervisor,
    record,
    body,
    order,
    detail,
    fileOf,
    state,
    rows,
    act,
    report,
    schedule,
  };
}

export type RectificationActors = ReturnType<typeof rectificationActors>;
