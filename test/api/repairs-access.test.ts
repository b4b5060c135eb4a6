import { randomUUID } from 'node:crypto';
import { nextDay } from '../../workflows/case/periods';
import { startObjectionStack, type ObjectionStack } from './objections-support';
import {
  DEPARTMENT,
  materials,
  OTHER_DEPARTMENT,
  OTHER_OFFICE,
  repairActors,
  type Json,
  type RepairActors,
} from './repairs-support';

/** 信用修复: who may do and see what, staff listings, refusals that change nothing, revocation. */
describe('repairs API: roles, scope, listings and refusals', () => {
  let stack: ObjectionStack;
  let a: RepairActors;

  beforeAll(async () => {
    stack = await startObjectionStack();
    a = repairActors(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** An eligible application, online, with its acceptance clock planned. */
  async function application() {
    const r = await a.eligibleRecord();
    const applied = await a.applyOnline(r);
    await a.fileOf(applied.id, (c) => c.step?.step === 'accept' && c.step.due !== null);
    return { ...r, id: applied.id, queryCode: applied.queryCode as string, caseNo: applied.case.caseNo };
  }

  const post = (path: string, who: Record<string, string> | null, body: Json) => {
    const req = a.http().post(path);
    return (who ? req.set(who) : req).send(body);
  };

  it('only the office acts on an application: another office 403, another jurisdiction 404, other roles 403, no token 401', async () => {
    const app = await application();
    const before = await a.state(app.id);
    await post(`/api/repairs/${app.id}/accept`, a.caseworker(OTHER_OFFICE), {})
      .expect(403)
      .expect((res) => expect(res.body).toMatchObject({ code: 'REPAIR_OTHER_OFFICE' }));
    await post(`/api/repairs/${app.id}/accept`, a.caseworker('新郑市民政局', 'xinzheng-mz'), {})
      .expect(404)
      .expect((res) => expect(res.body.code).toBe('REPAIR_NOT_FOUND'));
    await post(`/api/repairs/${app.id}/accept`, a.provider(), {})
      .expect(403)
      .expect((res) => expect(res.body.code).toBe('AUTH_FORBIDDEN_ROLE'));
    await post(`/api/repairs/${app.id}/accept`, null, {}).expect(401);
    await a.http().get(`/api/repairs/${app.id}`).set(a.caseworker('新郑市民政局', 'xinzheng-mz')).expect(404);
    await a.http().get(`/api/repairs/${app.id}`).set(a.supervisor('xinzheng-mz')).expect(404);
    await a.http().get(`/api/repairs/${app.id}`).expect(401);
    const elsewhere = await a
      .http()
      .get('/api/repairs')
      .set(a.caseworker('新郑市民政局', 'xinzheng-mz'))
      .expect(200);
    expect(elsewhere.body.items.map((i: Json) => i.id)).not.toContain(app.id);
    expect(await a.state(app.id)).toEqual(before);
  });

  it('only the identifying department decides: another department’s provider gets 404 and no pending entry', async () => {
    const app = await application();
    await post(`/api/repairs/${app.id}/accept`, a.caseworker(), {}).expect(200);
    const before = await a.state(app.id);
    const decision = { approved: true, reasons: '符合条件' };
    await post(`/api/repairs/${app.id}/decision`, a.provider(OTHER_DEPARTMENT), decision)
      .expect(404)
      .expect((res) => expect(res.body.code).toBe('REPAIR_NOT_FOUND'));
    await post(`/api/repairs/${app.id}/decision`, a.caseworker(), decision)
      .expect(403)
      .expect((res) => expect(res.body.code).toBe('AUTH_FORBIDDEN_ROLE'));
    const theirs = await a
      .http()
      .get('/api/repairs/decisions/pending')
      .set(a.provider(OTHER_DEPARTMENT))
      .expect(200);
    expect(theirs.body.items.map((i: Json) => i.id)).not.toContain(app.id);
    await a.http().get(`/api/repairs/${app.id}`).set(a.provider(OTHER_DEPARTMENT)).expect(404);
    // The identifying department sees the file of an application on its record.
    await a.http().get(`/api/repairs/${app.id}`).set(a.provider()).expect(200);
    await post(`/api/repairs/${app.id}/decision`, a.provider(), { approved: 'yes', reasons: '' })
      .expect(400)
      .expect((res) =>
        expect(res.body.details.fields.map((f: Json) => f.field).sort()).toEqual(['approved', 'reasons']),
      );
    expect(await a.state(app.id)).toEqual(before);
  });

  it('refusals from the workflow keep their codes and change nothing', async () => {
    const app = await application();
    const before = await a.state(app.id);
    const early = await post(`/api/repairs/${app.id}/decision`, a.provider(), {
      approved: true,
      reasons: '符合条件',
    }).expect(409);
    expect(early.body).toMatchObject({
      code: 'REPAIR_WRONG_STATUS',
      message: expect.stringContaining('只有“已受理”'),
    });
    await post(`/api/repairs/${app.id}/revocation`, a.provider(), { reason: '材料虚假' })
      .expect(409)
      .expect((res) => expect(res.body.code).toBe('REPAIR_WRONG_STATUS'));
    await post(`/api/repairs/${app.id}/materials-request`, a.caseworker(), { items: ['selfie'] })
      .expect(400)
      .expect((res) => expect(res.body.code).toBe('VALIDATION_FAILED'));
    await post(`/api/repairs/${app.id}/materials`, a.caseworker(), { materials: [] })
      .expect(400)
      .expect((res) => expect(res.body.details.fields[0].field).toBe('materials'));
    await post(`/api/repairs/${app.id}/withdraw`, a.caseworker(), {})
      .expect(400)
      .expect((res) => expect(res.body.message).toContain('reason：必须填写'));
    await post(`/api/repairs/${app.id}/accept`, a.caseworker(), {})
      .set('Idempotency-Key', 'short')
      .expect(400)
      .expect((res) => expect(res.body.code).toBe('IDEMPOTENCY_KEY_INVALID'));
    await a.http().get('/api/repairs/not-a-uuid').set(a.supervisor()).expect(400);
    await a
      .http()
      .get(`/api/repairs/${randomUUID()}`)
      .set(a.supervisor())
      .expect(404)
      .expect((res) => expect(res.body.code).toBe('REPAIR_NOT_FOUND'));
    expect(await a.state(app.id)).toEqual(before);
  });

  it('the look-up and the applicant’s materials need the query code with the subject code; never another’s case', async () => {
    const app = await application();
    const other = await application();
    const before = await a.state(app.id);
    await a
      .lookup(app.queryCode, other.subjectCode)
      .expect(404)
      .expect((res) => expect(res.body.code).toBe('REPAIR_LOOKUP_NOT_FOUND'));
    await a.lookup('0000-0000-0000', app.subjectCode).expect(404);
    await post('/api/repairs/lookup/materials', null, {
      queryCode: other.queryCode,
      subjectCode: app.subjectCode,
      materials: materials('credit-report'),
    })
      .expect(404)
      .expect((res) => expect(res.body.code).toBe('REPAIR_LOOKUP_NOT_FOUND'));
    const mine = await a.lookup(app.queryCode.toLowerCase().replace(/-/g, ' '), app.subjectCode).expect(200);
    expect(mine.body).toMatchObject({
      caseNo: app.caseNo,
      status: 'received',
      step: { step: 'accept', name: '受理' },
    });
    expect(mine.body.step.due).toEqual(expect.any(String));
    expect(await a.state(app.id)).toEqual(before);
  });

  it('supervisor and office list, filter and count within their scope', async () => {
    const app = await application();
    const list = (query: Json, who = a.supervisor()) =>
      a
        .http()
        .get('/api/repairs')
        .query(query)
        .set(who)
        .expect(200)
        .then((r) => r.body as Json);
    const all = await list({ subjectCode: app.subjectCode });
    expect(all).toMatchObject({
      total: 1,
      page: 1,
      items: [{ id: app.id, tier: '一般', status: 'received' }],
    });
    expect(
      (
        await list({ status: 'received', tier: '一般', department: DEPARTMENT, office: DEPARTMENT })
      ).items.map((i: Json) => i.id),
    ).toContain(app.id);
    expect((await list({ status: 'accepted', subjectCode: app.subjectCode })).total).toBe(0);
    expect((await list({ overdue: 'false', subjectCode: app.subjectCode })).total).toBe(1);
    expect((await list({ subjectCode: app.subjectCode }, a.caseworker())).total).toBe(1);
    expect((await list({ subjectCode: app.subjectCode }, a.caseworker(OTHER_OFFICE))).total).toBe(0);
    const counts = await a
      .http()
      .get('/api/repairs/counts')
      .query({ by: 'status' })
      .set(a.supervisor())
      .expect(200);
    expect(counts.body.counts).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'received', name: '待受理' })]),
    );
    for (const by of ['tier', 'department']) {
      const res = await a.http().get('/api/repairs/counts').query({ by }).set(a.supervisor()).expect(200);
      expect(res.body.total).toBeGreaterThanOrEqual(1);
    }
    await a
      .http()
      .get('/api/repairs/counts')
      .query({ by: 'colour' })
      .set(a.supervisor())
      .expect(400)
      .expect((res) => expect(res.body.code).toBe('VALIDATION_FAILED'));
    await a.http().get('/api/repairs').query({ status: 'sleeping' }).set(a.supervisor()).expect(400);
  });

  it('revoked for false materials: the record is public again and the subject barred, which the pre-check tells', async () => {
    const app = await application();
    await post(`/api/repairs/${app.id}/accept`, a.caseworker(), {}).expect(200);
    await post(`/api/repairs/${app.id}/decision`, a.provider(), {
      approved: true,
      reasons: '符合条件',
    }).expect(200);
    const gone = await a.http().get(`/api/public/subjects/${app.subjectCode}/records`).expect(200);
    expect(gone.body.records.map((x: Json) => x.id)).not.toContain(app.recordId);

    await post(`/api/repairs/${app.id}/revocation`, a.provider(OTHER_DEPARTMENT), {
      reason: '材料虚假',
    }).expect(404);
    const revoked = await post(`/api/repairs/${app.id}/revocation`, a.provider(), {
      reason: '经核查，罚款缴纳凭证系伪造',
    }).expect(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revocation: { cause: 'false-materials' } });
    const barredUntil = revoked.body.revocation.barredUntil as string;
    const back = await a.http().get(`/api/public/subjects/${app.subjectCode}/records`).expect(200);
    expect(back.body.records.map((x: Json) => x.id)).toContain(app.recordId);

    const file = await a.fileOf(app.id, (c) => c.barredUntil !== null);
    expect(file).toMatchObject({
      status: 'revoked',
      barredUntil,
      decisionLetter: expect.stringContaining('撤销信用修复决定书'),
    });
    const precheck = await a
      .http()
      .get('/api/repairs/eligibility')
      .query({ jurisdiction: 'yexian-mz', recordId: app.recordId, subjectCode: app.subjectCode })
      .expect(200);
    expect(precheck.body).toMatchObject({ eligible: false, retryFrom: nextDay(barredUntil) });
    expect(precheck.body.reasons.join('')).toContain(app.caseNo);
    const look = await a.lookup(app.queryCode, app.subjectCode).expect(200);
    expect(look.body).toMatchObject({
      status: 'revoked',
      statusName: '已撤销修复',
      revocation: { barredUntil },
    });
  });
});
