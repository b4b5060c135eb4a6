import { randomUUID } from 'node:crypto';
import { RepairCase, RepairEvent } from '../../infra/database/entities/repair';
import { shanghaiDate } from '../../workflows/calendar/working-days';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import type { RepairMaterial } from '../../workflows/repair/types';
import { eventually, type ObjectionStack } from './objections-support';

/**
 * Actors and set-up for API tests of the credit repair procedure (信用修复), on the whole stack of
 * objections-support (dev server, API, worker with the real workflows and activities). The API
 * runs on the real clock: records are decided years back, so that their minimum publicity period
 * has elapsed (or recently, so that it has not).
 */

export const JURISDICTION = 'yexian-mz';
/** The identifying department of the records (认定部门), which also receives online applications. */
export const DEPARTMENT = '叶县民政局';
export const OTHER_OFFICE = '叶县民政局养老服务股';
export const OTHER_DEPARTMENT = '叶县市场监督管理局';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export const day = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000).toISOString());
export const today = () => day(0);
const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
let seq = 0;

export const materials = (...kinds: RepairMaterial[]) =>
  kinds.map((kind, i) => ({ kind, attachment: { ref: `UP-${++seq}-${i}`, name: `${kind}.pdf` } }));
export const BASE = ['correction-proof', 'commitment-letter'] as const;

export function repairActors(stack: ObjectionStack) {
  const { api } = stack;
  const http = () => stack.http();
  const caseworker = (department = DEPARTMENT, jurisdiction = JURISDICTION) =>
    api.auth(['caseworker'], { sub: `cw@${department}`, department, jurisdiction });
  const provider = (department = DEPARTMENT, jurisdiction = JURISDICTION) =>
    api.auth(['provider'], { sub: `p@${department}`, department, jurisdiction });
  const supervisor = (jurisdiction = JURISDICTION) =>
    api.auth(['supervisor'], { sub: `sup@${jurisdiction}`, jurisdiction });
  const admin = () => api.auth(['admin'], { sub: 'admin.1' });

  /** A registered subject with one dishonesty record of the department, decided on `decisionDate`. */
  async function record(options: { tier: string; decisionDate: string; department?: string }) {
    const n = ++seq;
    const subjectCode = uscc(
      `52410422MJ${String(process.pid % 100).padStart(2, '0')}${String(n).padStart(5, '0')}`,
    );
    const subjectName = `修复测试社会组织${n}号`;
    await http()
      .post('/api/subjects')
      .set(caseworker())
      .send({ kind: 'other-organisation', code: subjectCode, name: subjectName })
      .expect(201);
    const res = await http()
      .post('/api/records')
      .set(provider(options.department ?? DEPARTMENT))
      .send({
        subjectCode,
        kind: 'administrative-penalty',
        documentNo: `叶民罚〔${options.decisionDate.slice(0, 4)}〕修${n}号`,
        decisionDate: options.decisionDate,
        severityTier: options.tier,
        title: '未按规定开展年度检查',
        content: '警告并罚款',
        publicityStart: options.decisionDate,
        publicityMaxEnd: day(300),
      })
      .expect(201);
    return { recordId: res.body.id as string, subjectCode, subjectName };
  }

  /** 一般失信 decided years ago: eligible today, the base materials suffice. */
  const eligibleRecord = () => record({ tier: '一般', decisionDate: day(-800) });
  /** 严重 decided years ago (527号: six months' minimum publicity): needs the training certificate and a credit report. */
  const seriousRecord = () => record({ tier: '严重', decisionDate: day(-800) });

  const application = (r: { recordId: string; subjectCode: string }, extra: Json = {}): Json => ({
    jurisdiction: JURISDICTION,
    recordId: r.recordId,
    subjectCode: r.subjectCode,
    applicant: { name: '王五', contact: '13700000000' },
    materials: materials(...BASE),
    channel: 'website',
    ...extra,
  });

  /** The subject applies online (201); answers the body with the key used and the case's id. */
  async function applyOnline(r: { recordId: string; subjectCode: string }, extra: Json = {}) {
    const key = `web-${randomUUID()}`;
    const res = await http()
      .post('/api/repairs/applications')
      .set('Idempotency-Key', key)
      .send(application(r, extra))
      .expect(201);
    const body = res.body as Json;
    return { ...body, key, id: await idOf(body.case.caseNo as string) } as Json & { id: string };
  }

  const idOf = async (caseNo: string) => (await rows().findOneByOrFail({ caseNo })).id;

  const detail = (id: string, who = supervisor()): Promise<Json> =>
    http()
      .get(`/api/repairs/${id}`)
      .set(who)
      .expect(200)
      .then((r) => r.body as Json);

  /** Waits until the file satisfies `ok`. */
  const fileOf = (id: string, ok: (c: Json) => boolean): Promise<Json> => eventually(() => detail(id), ok);

  const lookup = (queryCode: string, subjectCode: string) =>
    http().get('/api/repairs/lookup').query({ queryCode, subjectCode });

  /** What a refused request must not change: status, materials, decision, timeline entries. */
  const state = async (id: string) => {
    const row = await rows().findOneByOrFail({ id });
    const events = await api.dataSource
      .getRepository(RepairEvent)
      .find({ where: { caseId: id }, order: { seq: 'ASC' } });
    return {
      status: row.status,
      materials: row.snapshot?.materials.map((m) => m.kind) ?? [],
      pending: row.snapshot?.pendingMaterials?.items ?? null,
      decision: row.snapshot?.decision ?? null,
      timeline: events.map((e) => ({ seq: e.seq, kind: e.kind })),
    };
  };

  const rows = () => api.dataSource.getRepository(RepairCase);

  /** A published punishment measure of the list (措施清单) applicable to blacklists. */
  async function publishedMeasure() {
    const code = `XF-${process.pid}-${++seq}`;
    await http()
      .post('/api/measures')
      .set(admin())
      .send({
        code,
        name: '限制参加评先评优',
        kind: 'punishment',
        legalBasis: '《关于对社会组织严重违法失信行为实施联合惩戒的合作备忘录》',
        applicableLists: ['black'],
        publishedOn: day(-1),
      })
      .expect(201);
    return code;
  }

  /** The subject on a blacklist resting on the record, with one measure applied on that entry. */
  async function blacklistWithMeasure(r: { recordId: string; subjectCode: string }) {
    const measureCode = await publishedMeasure();
    const entry = await http()
      .post('/api/list-entries')
      .set(provider())
      .send({
        subjectCode: r.subjectCode,
        recordId: r.recordId,
        documentNo: `叶民失信认定〔${++seq}〕号`,
        listType: 'black',
        domain: '民政',
        listName: '社会组织严重违法失信名单',
        basis: '《社会组织信用信息管理办法》第十九条',
        effectiveFrom: day(-30),
        expiresOn: day(300),
      })
      .expect(201);
    const applied = await http()
      .post(`/api/subjects/${r.subjectCode}/measures`)
      .set(caseworker(OTHER_OFFICE))
      .send({ measureCode, matter: '评先评优', listEntryId: entry.body.id })
      .expect(201);
    return { entryId: entry.body.id as string, appliedMeasureId: applied.body.id as string };
  }

  return {
    http,
    caseworker,
    provider,
    supervisor,
    admin,
    record,
    eligibleRecord,
    seriousRecord,
    application,
    applyOnline,
    idOf,
    detail,
    fileOf,
    lookup,
    state,
    rows,
    blacklistWithMeasure,
  };
}

export type RepairActors = ReturnType<typeof repairActors>;
