import { randomUUID } from 'node:crypto';
import { CommitmentCase, CommitmentEvent } from '../../infra/database/entities';
import type { CommitmentKind } from '../../workflows/commitment/types';
import { shanghaiDate } from '../../workflows/calendar/working-days';
import { residentIdCheckCharacter, usccCheckCharacter } from '../../workflows/registry/identifiers';
import { eventually, type ObjectionStack } from './objections-support';

/**
 * Actors and set-up for API tests of the commitment procedure (信用承诺), on the whole stack of
 * objections-support (dev server, API, worker with the real workflows and activities).
 */

export const JURISDICTION = 'yexian-mz';
export const DEPARTMENT = '叶县民政局社会组织管理股';
export const OTHER_DEPARTMENT = '叶县民政局养老服务股';
export const PROVIDER = '叶县市场监督管理局';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

const day = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000).toISOString());
const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const residentId = (first17: string) => first17 + residentIdCheckCharacter(first17);
let seq = 0;

export function commitmentActors(stack: ObjectionStack) {
  const { api } = stack;
  const http = () => stack.http();
  const caseworker = (department = DEPARTMENT, jurisdiction = JURISDICTION) =>
    api.auth(['caseworker'], { sub: `cw@${department}`, department, jurisdiction });
  const supervisor = (jurisdiction = JURISDICTION) =>
    api.auth(['supervisor'], { sub: `sup@${jurisdiction}`, jurisdiction });
  const provider = (department = PROVIDER, jurisdiction = JURISDICTION) =>
    api.auth(['provider'], { sub: `p@${department}`, department, jurisdiction });

  /** A registered subject: an organisation (统一社会信用代码) or a natural person (身份证号码). */
  async function subject(kind: 'other-organisation' | 'natural-person' = 'other-organisation') {
    const n = ++seq;
    const pid = String(process.pid % 100).padStart(2, '0');
    const code =
      kind === 'natural-person'
        ? residentId(`41042219${80 + (n % 20)}0101${pid}${String(n % 10)}`)
        : uscc(`52410422MJ${pid}${String(n).padStart(5, '0')}`);
    const name = kind === 'natural-person' ? `王${n}号` : `叶县承诺测试养老院${n}号`;
    await http()
      .post('/api/subjects')
      .set(caseworker())
      .send({ kind, code, name, jurisdiction: 'yexian-mz' })
      .expect(201);
    return { code, name };
  }

  /** A subject on a blacklist (黑名单) of 民政, resting on a dishonesty record of the provider. */
  async function blacklistedSubject() {
    const s = await subject();
    const registrar = api.auth(['provider'], { department: '叶县民政局' });
    const record = await http()
      .post('/api/records')
      .set(registrar)
      .send({
        subjectCode: s.code,
        kind: 'dishonesty-list-entry',
        documentNo: `叶民失信认定〔2026〕${seq}号`,
        decisionDate: day(-30),
        severityTier: '严重',
        title: '列入社会组织严重违法失信名单',
        content: '弄虚作假骗取养老机构补贴',
        publicityStart: day(-30),
        publicityMaxEnd: day(1000),
      })
      .expect(201);
    await http()
      .post('/api/list-entries')
      .set(registrar)
      .send({
        subjectCode: s.code,
        recordId: record.body.id,
        documentNo: `叶民失信认定〔2026〕${seq}号`,
        listType: 'black',
        domain: '民政',
        listName: '社会组织严重违法失信名单',
        basis: '《社会组织信用信息管理办法》第十九条',
        effectiveFrom: day(-30),
        expiresOn: day(1000),
      })
      .expect(201);
    return s;
  }

  const TWO_ITEMS = [
    { name: '消防安全检查合格证明', limit: { value: 20, unit: 'working-days' } },
    { name: '房屋租赁合同', limit: { value: 1, unit: 'months' } },
  ];

  const body = (kind: CommitmentKind, subjectCode: string, extra: Json = {}): Json => ({
    kind,
    subjectCode,
    signer: { name: '李四', capacity: '法定代表人', contact: '13900000001' },
    matter: '养老机构备案',
    ...(kind === 'deferred-materials' ? { items: TWO_ITEMS } : {}),
    ...extra,
  });

  /** Signs a commitment through the API (201); returns the answer's body. */
  async function create(
    kind: CommitmentKind,
    options: { subjectCode?: string; extra?: Json; who?: Record<string, string> } = {},
  ): Promise<Json> {
    const code = options.subjectCode ?? (await subject()).code;
    const res = await http()
      .post('/api/commitments')
      .set(options.who ?? caseworker())
      .set('Idempotency-Key', `key-${randomUUID()}`)
      .send(body(kind, code, options.extra))
      .expect(201);
    return { ...res.body, subjectCode: code };
  }

  const detail = (id: string): Promise<Json> =>
    http()
      .get(`/api/commitments/${id}`)
      .set(supervisor())
      .expect(200)
      .then((r) => r.body as Json);

  /** Waits until the commitment's file satisfies `ok`. */
  const fileOf = (id: string, ok: (c: Json) => boolean): Promise<Json> => eventually(() => detail(id), ok);

  /** Waits until no step clock still publishes a plan: every open deadline has its due time. */
  const planned = (id: string) =>
    fileOf(
      id,
      (c) =>
        c.status !== 'in-force' ||
        ((c.items as Json[]).every((i) => i.suppliedAt || i.due) && (!c.verification || c.verification.due)),
    );

  /** What a refused request must not change: status, items, reports, breach, timeline entries. */
  const state = async (id: string) => {
    const row = await api.dataSource.getRepository(CommitmentCase).findOneByOrFail({ id });
    const events = await api.dataSource
      .getRepository(CommitmentEvent)
      .find({ where: { caseId: id }, order: { seq: 'ASC' } });
    return {
      status: row.status,
      items: (row.snapshot?.items ?? []).map((i) => ({
        no: i.no,
        suppliedAt: i.suppliedAt,
        extendedBy: i.extendedBy,
      })),
      reports: row.snapshot?.reports.map((r) => ({ no: r.no, status: r.status })) ?? [],
      breach: row.snapshot?.breach ?? null,
      timeline: events.map((e) => ({ seq: e.seq, kind: e.kind })),
    };
  };

  const rows = () => api.dataSource.getRepository(CommitmentCase);

  return {
    http,
    caseworker,
    supervisor,
    provider,
    subject,
    blacklistedSubject,
    body,
    create,
    detail,
    fileOf,
    planned,
    state,
    rows,
  };
}

export type CommitmentActors = ReturnType<typeof commitmentActors>;
