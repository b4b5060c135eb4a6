import { randomUUID } from 'node:crypto';
import { eventually, startObjectionStack, type ObjectionStack } from './objections-support';
import {
  rectificationActors,
  startRectificationStack,
  type RectificationStack,
} from './rectifications-support';

/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document is plain JSON here */

/**
 * Every request-body example in the OpenAPI document is one the server carries out (issue #17):
 * the procedures are walked through the API on the whole stack (dev server in its time-skipping
 * form, so that a rectification's deadline can pass; worker; API), and at
 * each step the body sent is the document's example for that operation — with only the names of
 * what this run created put in (a record's id, a query code) — and the answer must be 2xx.
 * An example the walk does not reach fails the test, so a new example needs a step here.
 */
describe('the OpenAPI examples, sent as printed to cases that exist', () => {
  jest.setTimeout(300_000);
  /** The real-clock stack first; the time-skipping one for the rectification (its deadlines pass). */
  let stack: ObjectionStack | RectificationStack;
  let skipping: RectificationStack;
  let examples: Map<string, any>;
  const sent = new Set<string>();

  beforeAll(async () => {
    stack = await startObjectionStack();
    const doc = (await stack.http().get('/docs-json').expect(200)).body;
    examples = new Map();
    for (const [p, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const example = op?.requestBody?.content?.['application/json']?.examples?.example?.value;
        if (example !== undefined) examples.set(`${method.toUpperCase()} ${p}`, example);
      }
    }
  }, 120_000);
  afterAll(() => stack?.close());

  const JURISDICTION = 'yexian-mz';
  const auth = {
    admin: () => stack.api.auth(['admin'], { sub: 'admin.1' }),
    caseworker: () =>
      stack.api.auth(['caseworker'], {
        sub: 'wang.fang',
        department: '叶县民政局',
        jurisdiction: JURISDICTION,
      }),
    provider: () =>
      stack.api.auth(['provider'], { sub: 'li.qiang', department: '叶县民政局', jurisdiction: JURISDICTION }),
    /** 永昌县市场监督管理局, whose providers order rectifications in the examples. */
    yongchangProvider: () =>
      stack.api.auth(['provider'], {
        sub: 'ma.li',
        department: '永昌县市场监督管理局',
        jurisdiction: 'yongchang',
      }),
    yongchangSupervisor: () => stack.api.auth(['supervisor'], { sub: 'sun.hua', jurisdiction: 'yongchang' }),
    supervisor: () => stack.api.auth(['supervisor'], { sub: 'zhao.min', jurisdiction: JURISDICTION }),
    public: () => ({}),
  };
  type Caller = keyof typeof auth;

  /**
   * Sends the document's example of `operation` to `path` (the template with this run's ids) as
   * `caller`, with `names` (ids of this run) put over the example's; expects 2xx; answers the body.
   */
  async function example(
    operation: string,
    caller: Caller,
    path: string,
    names: Record<string, unknown> = {},
  ): Promise<any> {
    const value = examples.get(operation);
    if (value === undefined) throw new Error(`no example for ${operation} in the OpenAPI document`);
    const method = operation.split(' ')[0].toLowerCase() as 'post' | 'put';
    const res = await stack
      .http()
      [method](path)
      .set(auth[caller]())
      .set('Idempotency-Key', `example-${randomUUID()}`)
      .send({ ...value, ...names });
    if (res.status >= 300) {
      throw new Error(`${operation} (example) → ${res.status} ${JSON.stringify(res.body)}`);
    }
    sent.add(operation);
    return res.body;
  }

  const get = async (path: string, caller: Caller) =>
    (await stack.http().get(path).set(auth[caller]()).expect(200)).body;
  /** Waits for the case's read model to show `ok` (workflows answer first, the read model follows). */
  const until = (path: string, caller: Caller, ok: (body: any) => boolean) =>
    eventually(() => get(path, caller), ok);

  /** Waits until a commitment's deadlines are planned (the workflow's first step). */
  const planned = (path: string) =>
    until(
      path,
      'caseworker',
      (c) => c.status !== 'in-force' || (c.items ?? []).every((i: any) => i.suppliedAt || i.due),
    );

  it('admin and registry: calendar, policy version, measures, subject, records, list entries, applied measures', async () => {
    await example('PUT /api/calendar/{year}', 'admin', '/api/calendar/2027');
    await example(
      'POST /api/policies/{jurisdiction}/versions',
      'admin',
      `/api/policies/${JURISDICTION}/versions`,
    );
    const measure = examples.get('POST /api/measures');
    await example('POST /api/measures', 'admin', '/api/measures');
    await example('POST /api/measures/{code}/publish', 'admin', `/api/measures/${measure.code}/publish`);
    await example('POST /api/subjects', 'admin', '/api/subjects');
    const subjectCode = examples.get('POST /api/subjects').code;
    const record = await example('POST /api/records', 'provider', '/api/records');
    await example('POST /api/records/{id}/transitions', 'provider', `/api/records/${record.id}/transitions`);
    const entry = await example('POST /api/list-entries', 'provider', '/api/list-entries');
    const applied = await example(
      'POST /api/subjects/{code}/measures',
      'caseworker',
      `/api/subjects/${subjectCode}/measures`,
    );
    const am = `/api/applied-measures/${applied.id}`;
    await example('POST /api/applied-measures/{id}/feedback', 'caseworker', `${am}/feedback`);
    await example('POST /api/applied-measures/{id}/suspend', 'caseworker', `${am}/suspend`);
    await example('POST /api/applied-measures/{id}/reinstate', 'caseworker', `${am}/reinstate`);
    await example('POST /api/applied-measures/{id}/lift', 'caseworker', `${am}/lift`);
    await example('POST /api/list-entries/{id}/exit', 'provider', `/api/list-entries/${entry.id}/exit`);
  });

  it('objection: register, 补正 requested and supplied, forward, extend, verification, reply; another withdrawn', async () => {
    const record = await example('POST /api/records', 'provider', '/api/records', {
      documentNo: '叶民罚决字〔2026〕31号',
    });
    const filed = await example('POST /api/objections', 'caseworker', '/api/objections', {
      recordId: record.id,
    });
    const o = `/api/objections/${filed.case.id}`;
    await example('POST /api/objections/{id}/materials-request', 'caseworker', `${o}/materials-request`);
    await example('POST /api/objections/{id}/materials', 'caseworker', `${o}/materials`);
    await example('POST /api/objections/{id}/forward', 'caseworker', `${o}/forward`);
    await example('POST /api/objections/{id}/extend', 'caseworker', `${o}/extend`);
    await example('POST /api/objections/{id}/verification', 'provider', `${o}/verification`);
    await example('POST /api/objections/{id}/reply', 'caseworker', `${o}/reply`);
    await until(o, 'caseworker', (c) => c.status === 'closed');

    const other = await example('POST /api/records', 'provider', '/api/records', {
      documentNo: '叶民罚决字〔2026〕32号',
    });
    const second = await example('POST /api/objections', 'caseworker', '/api/objections', {
      recordId: other.id,
    });
    await example(
      'POST /api/objections/{id}/withdraw',
      'caseworker',
      `/api/objections/${second.case.id}/withdraw`,
    );
    // The supervisors' quarterly report, produced now for a quarter past.
    await example('POST /api/supervision/reports', 'admin', '/api/supervision/reports');
  });

  it('commitment: 容缺受理 with items supplied and extended, a breach report decided, another withdrawn; 告知承诺 verified', async () => {
    const subjectCode = examples.get('POST /api/commitments').subjectCode;
    const deferred = await example('POST /api/commitments', 'caseworker', '/api/commitments');
    const c = `/api/commitments/${deferred.case.id}`;
    await planned(c);
    await example('POST /api/commitments/{id}/items/{no}/supply', 'caseworker', `${c}/items/1/supply`);
    await example('POST /api/commitments/{id}/items/{no}/extend', 'caseworker', `${c}/items/2/extend`);
    await example('POST /api/commitments/{id}/breach-reports', 'caseworker', `${c}/breach-reports`);
    await example(
      'POST /api/commitments/{id}/breach-reports/{no}/decision',
      'caseworker',
      `${c}/breach-reports/1/decision`,
    );

    const { items: _items, ...deferredOnly } = examples.get('POST /api/commitments');
    const notice = await stack
      .http()
      .post('/api/commitments')
      .set(auth.caseworker())
      .set('Idempotency-Key', `commitment-${randomUUID()}`)
      .send({ ...deferredOnly, kind: 'notice-commitment', matter: '民办非企业单位年度检查' });
    expect([notice.status, notice.body.code]).toEqual([201, undefined]);
    const n = `/api/commitments/${notice.body.case.id}`;
    await planned(n);
    await example('POST /api/commitments/{id}/verification', 'caseworker', `${n}/verification`);

    const other = await stack
      .http()
      .post('/api/commitments')
      .set(auth.caseworker())
      .set('Idempotency-Key', `commitment-${randomUUID()}`)
      .send({ ...examples.get('POST /api/commitments'), matter: '民办非企业单位成立登记', subjectCode })
      .expect(201);
    await planned(`/api/commitments/${other.body.case.id}`);
    await example(
      'POST /api/commitments/{id}/withdraw',
      'caseworker',
      `/api/commitments/${other.body.case.id}/withdraw`,
    );
  });

  it('repair: registered at the window, 补正 requested and supplied, accepted, approved, revoked; an online application supplied by the applicant and withdrawn', async () => {
    const record = await example('POST /api/records', 'provider', '/api/records', {
      documentNo: '叶民罚决字〔2026〕33号',
    });
    const repair = await example('POST /api/repairs', 'caseworker', '/api/repairs', { recordId: record.id });
    const r = `/api/repairs/${repair.case.id}`;
    await example('POST /api/repairs/{id}/materials-request', 'caseworker', `${r}/materials-request`);
    await example('POST /api/repairs/{id}/materials', 'caseworker', `${r}/materials`);
    await example('POST /api/repairs/{id}/accept', 'caseworker', `${r}/accept`);
    await example('POST /api/repairs/{id}/decision', 'provider', `${r}/decision`);
    await until(r, 'caseworker', (c) => c.status === 'approved' && c.commitment !== null);

    const online = await example('POST /api/records', 'provider', '/api/records', {
      documentNo: '叶民罚决字〔2026〕34号',
    });
    const applied = await example('POST /api/repairs/applications', 'public', '/api/repairs/applications', {
      recordId: online.id,
    });
    await example('POST /api/repairs/lookup/materials', 'public', '/api/repairs/lookup/materials', {
      queryCode: applied.queryCode,
    });
    // The applicant's answer names the case by its number; the office finds it in its list.
    const listed = await get('/api/repairs', 'caseworker');
    const onlineId = listed.items.find((i: any) => i.caseNo === applied.case.caseNo)?.id;
    expect(onlineId).toEqual(expect.any(String));
    await example('POST /api/repairs/{id}/withdraw', 'caseworker', `/api/repairs/${onlineId}/withdraw`);
    // Materials found false revoke the approved repair (and bar the subject: hence last).
    await example('POST /api/repairs/{id}/revocation', 'provider', `${r}/revocation`);
  });

  it('rectification: ordered, reported by the subject, partly done, 提示约谈 scheduled and held, 警示约谈 missed, consequence confirmed; another cancelled', async () => {
    await stack.close();
    stack = skipping = await startRectificationStack();
    const a = rectificationActors(skipping);
    const first = await a.record();
    const ordered = await example('POST /api/rectifications', 'yongchangProvider', '/api/rectifications', {
      recordId: first.recordId,
    });
    const id = ordered.case.id as string;
    const r = `/api/rectifications/${id}`;
    await example('POST /api/rectifications/lookup/report', 'public', '/api/rectifications/lookup/report', {
      queryCode: ordered.queryCode,
      subjectCode: first.subjectCode,
    });
    await example('POST /api/rectifications/{id}/verification', 'yongchangProvider', `${r}/verification`);
    // The deadline passes unmet: 提示约谈, at the example's hour.
    await skipping.skipPast(ordered.case.termDueAt);
    await a.fileOf(id, (f) => f.status === 'interview-pending' && !!f.nextStep);
    await example(
      'POST /api/rectifications/{id}/interviews/schedule',
      'yongchangProvider',
      `${r}/interviews/schedule`,
    );
    await skipping.skipPast(examples.get('POST /api/rectifications/{id}/interviews/schedule').at);
    await example(
      'POST /api/rectifications/{id}/interviews/record',
      'yongchangProvider',
      `${r}/interviews/record`,
    );
    // The new deadline passes too: 警示约谈, which the subject does not attend; its last deadline
    // passes as well, and a consequence is proposed to the supervisor.
    const after = await a.fileOf(id, (f) => f.status === 'rectifying' && f.terms?.length === 2);
    await skipping.skipPast(after.termDueAt);
    await a.fileOf(id, (f) => f.stage === 'warning-interview' && f.status === 'interview-pending');
    const second = await a.schedule(48);
    await a.act(id, 'interviews/schedule', second, auth.yongchangProvider()).expect(200);
    await skipping.skipPast(second.at);
    await a
      .act(
        id,
        'interviews/record',
        { appeared: false, summary: '经电话通知，约谈对象无正当理由未到场' },
        auth.yongchangProvider(),
      )
      .expect(200);
    const last = await a.fileOf(id, (f) => f.status === 'rectifying' && f.terms?.length === 3);
    await skipping.skipPast(last.termDueAt);
    await a.fileOf(id, (f) => f.status === 'consequence-proposed');
    await example(
      'POST /api/rectifications/{id}/consequence/decision',
      'yongchangSupervisor',
      `${r}/consequence/decision`,
    );

    const other = await a.record();
    const cancelled = await example('POST /api/rectifications', 'yongchangProvider', '/api/rectifications', {
      recordId: other.recordId,
    });
    await example(
      'POST /api/rectifications/{id}/cancel',
      'yongchangProvider',
      `/api/rectifications/${cancelled.case.id}/cancel`,
    );
  });

  it('every request-body example of the document was sent and carried out', () => {
    expect([...examples.keys()].filter((op) => !sent.has(op)).sort()).toEqual([]);
  });
});
