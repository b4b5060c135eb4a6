import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import request from 'supertest';
import { createActivities } from '../../activities';
import { ensureSearchAttributes } from '../../apps/worker/search-attributes';
import { ObjectionCase, ObjectionEvent } from '../../infra/database/entities';
import { DevServerHandle, start } from '../../infra/temporal-dev-server';
import { shanghaiDate } from '../../workflows/calendar/working-days';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { startTestApi, TestApi } from '../support/api';
import { eventually } from '../support/eventually';

/**
 * The whole stack for API tests of the objection procedure: the Temporal-compatible dev server
 * (real time), the API on a fresh database, and a worker running the real workflows and activities
 * on the API's task queue.
 */
export interface ObjectionStack {
  api: TestApi;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function startObjectionStack(): Promise<ObjectionStack> {
  const server: DevServerHandle = await start({ port: 0 });
  const connection = await Connection.connect({ address: server.address });
  const taskQueue = `objections-${randomUUID()}`;
  const api = await startTestApi({
    temporal: new Client({ connection }),
    temporalAddress: server.address,
    env: { TEMPORAL_TASK_QUEUE: taskQueue },
  });
  const native = await NativeConnection.connect({ address: server.address });
  await ensureSearchAttributes(native, 'default');
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: createActivities({ dataSource: api.dataSource }),
  });
  const running = worker.run();
  return {
    api,
    http: () => request(api.app.getHttpServer()),
    close: async () => {
      worker.shutdown();
      await running;
      await native.close();
      await api.close();
      await connection.close();
      await server.stop();
    },
  };
}

/** GET /api/objections/:id as the tests read it (response JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CaseFile = Record<string, any> & { status: string; case: Record<string, any> | null };

export { eventually };

export const OFFICE = '叶县民政局';
export const JURISDICTION = 'yexian-mz';
export const PROVIDER = '叶县民政局社会组织管理股';

const day = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000).toISOString());
let seq = 0;

/** Tokens and registry set-up through the API, as the offices would do it. */
export function actors(stack: ObjectionStack) {
  const { api } = stack;
  const caseworker = (department = OFFICE, jurisdiction = JURISDICTION) =>
    api.auth(['caseworker'], { sub: `cw@${department}`, department, jurisdiction });
  const provider = (department = PROVIDER) => api.auth(['provider'], { sub: `p@${department}`, department });
  const supervisor = (jurisdiction = JURISDICTION) =>
    api.auth(['supervisor'], { sub: `sup@${jurisdiction}`, jurisdiction });

  /** A subject with one administrative-penalty record of `department`. */
  async function record(department = PROVIDER): Promise<{ recordId: string; subjectCode: string }> {
    const n = ++seq;
    const first17 = `52410422MJ${String(process.pid % 100).padStart(2, '0')}${String(n).padStart(5, '0')}`;
    const subjectCode = first17 + usccCheckCharacter(first17);
    await stack
      .http()
      .post('/api/subjects')
      .set(caseworker())
      .send({
        kind: 'other-organisation',
        code: subjectCode,
        name: `测试社会组织${n}号`,
        jurisdiction: 'yexian-mz',
      })
      .expect(201);
    const res = await stack
      .http()
      .post('/api/records')
      .set(provider(department))
      .send({
        subjectCode,
        kind: 'administrative-penalty',
        documentNo: `叶民罚〔2026〕${n}号`,
        decisionDate: day(-10),
        severityTier: '一般',
        title: '未按规定报送年度工作报告',
        content: '给予警告',
        publicityStart: day(-7),
        publicityMinEnd: day(80),
        publicityMaxEnd: day(355),
      })
      .expect(201);
    return { recordId: res.body.id as string, subjectCode };
  }

  const objectionBody = (
    r: { recordId: string; subjectCode: string },
    extra: Record<string, unknown> = {},
  ) => ({
    applicant: { name: '张三', contact: '13800000000', subjectCode: r.subjectCode },
    channel: 'window',
    recordId: r.recordId,
    grounds: ['facts-wrong'],
    groundsText: '已于规定期限内报送年度工作报告，有回执为证',
    attachments: [{ ref: 'DOC-1', name: '报送回执' }],
    ...extra,
  });

  /** Registers a case through the API; returns its id, query code and subject. */
  async function createCase(r?: { recordId: string; subjectCode: string }) {
    const rec = r ?? (await record());
    const res = await stack
      .http()
      .post('/api/objections')
      .set(caseworker())
      .set('Idempotency-Key', `key-${randomUUID()}`)
      .send(objectionBody(rec))
      .expect(201);
    return { id: res.body.case.id as string, queryCode: res.body.queryCode as string, ...rec };
  }

  const detail = (id: string): Promise<CaseFile> =>
    stack
      .http()
      .get(`/api/objections/${id}`)
      .set(supervisor())
      .expect(200)
      .then((r) => r.body as CaseFile);

  /** Waits until the case file satisfies `ok`. */
  const caseFile = (id: string, ok: (c: CaseFile) => boolean): Promise<CaseFile> =>
    eventually(() => detail(id), ok);

  const row = (id: string) => api.dataSource.getRepository(ObjectionCase).findOneByOrFail({ id });

  /**
   * What a refused request must not change: status, result, case file entries. (Revision and
   * deadlines may still move on their own: the step clocks publish their plans asynchronously.)
   */
  const caseState = async (id: string) => {
    const r = await row(id);
    return {
      status: r.status,
      outcome: r.outcome,
      reply: r.snapshot?.reply ?? null,
      pendingMaterials: r.snapshot?.pendingMaterials ?? null,
      attachments: r.snapshot?.attachments ?? null,
      timeline: (
        await api.dataSource
          .getRepository(ObjectionEvent)
          .find({ where: { caseId: id }, order: { seq: 'ASC' } })
      ).map((e) => ({ seq: e.seq, kind: e.kind, summary: e.summary })),
    };
  };

  /**
   * Waits until intake has finished with the record (the 'record-disputed' entry is on file), so
   * that nothing the workflow still does on its own changes the case file afterwards.
   */
  const registered = (id: string) =>
    caseFile(id, (c) => c.timeline.some((e: { kind: string }) => e.kind === 'record-disputed'));

  /** Forwards and waits until the case is with the provider. */
  async function forward(id: string) {
    const res = await stack
      .http()
      .post(`/api/objections/${id}/forward`)
      .set(caseworker())
      .send({})
      .expect(200);
    await caseFile(
      id,
      (c) => c.status === 'forwarded' && c.timeline.some((e: { kind: string }) => e.kind === 'forwarded'),
    );
    return res.body;
  }

  /** Waits until the provider's result is applied and the written reply may be issued. */
  const readyForReply = (id: string) => caseFile(id, (c) => c.case?.step?.step === 'notify');

  return {
    caseworker,
    provider,
    supervisor,
    record,
    registered,
    objectionBody,
    createCase,
    detail,
    caseFile,
    row,
    caseState,
    forward,
    readyForReply,
  };
}
