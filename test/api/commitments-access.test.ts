import {
  commitmentActors,
  type CommitmentActors,
  DEPARTMENT,
  JURISDICTION,
  type Json,
  OTHER_DEPARTMENT,
} from './commitments-support';
import { type ObjectionStack, startObjectionStack } from './objections-support';

describe('commitments API: roles and departments, supervisor listings, the signer’s look-up, the public 专栏', () => {
  let stack: ObjectionStack;
  let a: CommitmentActors;
  /** One of each kind in DEPARTMENT, one deferred in OTHER_DEPARTMENT, one breached, one refused. */
  let deferred: Json;
  let notice: Json;
  let voluntary: Json;
  let otherDepartment: Json;
  let breached: Json;
  let refused: Json;
  let person: { code: string; name: string };

  beforeAll(async () => {
    stack = await startObjectionStack();
    a = commitmentActors(stack);
    person = await a.subject('natural-person');
    [deferred, notice, voluntary, otherDepartment, breached] = await Promise.all([
      a.create('deferred-materials'),
      a.create('notice-commitment'),
      a.create('voluntary', { subjectCode: person.code, extra: { published: true } }),
      a.create('deferred-materials', { who: a.caseworker(OTHER_DEPARTMENT) }),
      a.create('notice-commitment', { extra: { published: false } }),
    ]);
    refused = await a.create('notice-commitment', { subjectCode: (await a.blacklistedSubject()).code });
    for (const c of [deferred, notice, voluntary, otherDepartment, breached]) await a.planned(c.case.id);
    await http()
      .post(`/api/commitments/${breached.case.id}/verification`)
      .set(a.caseworker())
      .send({ truthful: false, finding: '承诺不实' })
      .expect(200);
  });
  afterAll(() => stack?.close());
  const http = () => stack.http();
  const ids = (res: { body: Json }) => (res.body.items as Json[]).map((i) => i.id);

  describe('who may do what', () => {
    it('needs a token for everything but the signer’s look-up and the 专栏', async () => {
      expect((await http().get('/api/commitments').expect(401)).body.code).toBe('AUTH_REQUIRED');
      await http().post('/api/commitments').send({}).expect(401);
      await http().get(`/api/commitments/${deferred.case.id}`).expect(401);
      await http().post(`/api/commitments/${deferred.case.id}/breach-reports`).send({}).expect(401);
      await http()
        .get('/api/commitments/lookup')
        .query({ queryCode: 'AAAA-AAAA-AAAA', subjectCode: 'x' })
        .expect(404);
      await http().get('/api/public/commitments').query({ jurisdiction: JURISDICTION }).expect(200);
    });

    it('lets only caseworkers sign and act, and only on their own department’s commitments', async () => {
      const s = await a.subject();
      for (const who of [a.provider(), a.supervisor()]) {
        const res = await http()
          .post('/api/commitments')
          .set(who)
          .set('Idempotency-Key', `not-a-caseworker-${Math.random()}`)
          .send(a.body('voluntary', s.code))
          .expect(403);
        expect(res.body.code).toBe('AUTH_FORBIDDEN_ROLE');
      }
      // A token naming a department without its jurisdiction never gets this far: the token
      // service refuses it (401, test/api/auth-tokens.test.ts).
      expect(await a.rows().countBy({ subjectCode: s.code })).toBe(0);

      const id = deferred.case.id;
      const before = await a.state(id);
      const supply = { attachment: { ref: 'DOC-9', name: '消防安全检查合格证明' } };
      for (const who of [a.provider(), a.supervisor()]) {
        await http().post(`/api/commitments/${id}/items/1/supply`).set(who).send(supply).expect(403);
        await http().post(`/api/commitments/${id}/withdraw`).set(who).send({ reason: '撤回' }).expect(403);
      }
      const other = await http()
        .post(`/api/commitments/${id}/items/1/supply`)
        .set(a.caseworker(OTHER_DEPARTMENT))
        .send(supply)
        .expect(403);
      expect(other.body).toMatchObject({
        code: 'COMMITMENT_OTHER_DEPARTMENT',
        message: expect.stringContaining(DEPARTMENT),
      });
      const decision = await http()
        .post(`/api/commitments/${id}/breach-reports/1/decision`)
        .set(a.caseworker(OTHER_DEPARTMENT))
        .send({ confirmed: true, reason: '属实' })
        .expect(403);
      expect(decision.body.code).toBe('COMMITMENT_OTHER_DEPARTMENT');
      const noDepartment = await http()
        .post(`/api/commitments/${id}/items/1/supply`)
        .set(stack.api.auth(['caseworker'], { jurisdiction: JURISDICTION }))
        .send(supply)
        .expect(403);
      expect(noDepartment.body.code).toBe('AUTH_DEPARTMENT_REQUIRED');
      expect(await a.state(id)).toEqual(before);
    });

    it('takes breach reports from any staff of the jurisdiction, not from another jurisdiction', async () => {
      const id = notice.case.id;
      const before = await a.state(id);
      const report = { description: '举报：实际经营场所与承诺不符' };
      const foreign = await http()
        .post(`/api/commitments/${id}/breach-reports`)
        .set(a.provider('新郑市市场监督管理局', 'xinzheng-mz'))
        .send(report)
        .expect(404);
      expect(foreign.body.code).toBe('COMMITMENT_NOT_FOUND');
      await http()
        .post(`/api/commitments/${id}/breach-reports`)
        .set(a.supervisor('xinzheng-mz'))
        .send(report)
        .expect(404);
      const malformed = await http()
        .post(`/api/commitments/${id}/breach-reports`)
        .set(a.provider())
        .send({ description: '' })
        .expect(400);
      expect(malformed.body.code).toBe('VALIDATION_FAILED');
      expect(await a.state(id)).toEqual(before);

      const byOtherDepartment = await http()
        .post(`/api/commitments/${id}/breach-reports`)
        .set(a.caseworker(OTHER_DEPARTMENT))
        .send(report)
        .expect(200);
      expect(byOtherDepartment.body.breachReports).toMatchObject([
        { no: 1, status: 'reported', reportedBy: `cw@${OTHER_DEPARTMENT}` },
      ]);
      // Only the accepting department decides on it.
      await http()
        .post(`/api/commitments/${id}/breach-reports/1/decision`)
        .set(a.caseworker())
        .send({ confirmed: false, reason: '经核实不属实' })
        .expect(200);
    });

    it('scopes reads: supervisors their jurisdiction, caseworkers their department, providers nothing', async () => {
      await http().get(`/api/commitments/${deferred.case.id}`).set(a.supervisor('xinzheng-mz')).expect(404);
      await http()
        .get(`/api/commitments/${deferred.case.id}`)
        .set(a.caseworker(OTHER_DEPARTMENT))
        .expect(404);
      await http().get(`/api/commitments/${deferred.case.id}`).set(a.caseworker()).expect(200);
      await http().get('/api/commitments').set(a.provider()).expect(403);
      await http().get(`/api/commitments/${deferred.case.id}`).set(a.provider()).expect(403);

      const foreign = await http().get('/api/commitments').set(a.supervisor('xinzheng-mz')).expect(200);
      expect(foreign.body.total).toBe(0);
      const own = await http()
        .get('/api/commitments')
        .set(a.caseworker())
        .query({ pageSize: 200 })
        .expect(200);
      expect(ids(own)).toEqual(expect.arrayContaining([deferred.case.id, notice.case.id, voluntary.case.id]));
      expect(ids(own)).not.toContain(otherDepartment.case.id);
      const other = await http().get('/api/commitments').set(a.caseworker(OTHER_DEPARTMENT)).expect(200);
      expect(ids(other)).toEqual([otherDepartment.case.id]);
    });
  });

  describe('supervisor listings', () => {
    it('lists by kind, status, department, due date, overdue and breach, with paging', async () => {
      const list = (query: Json) =>
        http().get('/api/commitments').set(a.supervisor()).query(query).expect(200);
      const all = await list({ pageSize: 200 });
      expect(all.body.total).toBeGreaterThanOrEqual(6);
      expect((all.body.items as Json[]).every((i) => i.jurisdiction === JURISDICTION)).toBe(true);

      const deferredOnes = await list({ kind: 'deferred-materials', pageSize: 200 });
      expect(ids(deferredOnes)).toEqual(expect.arrayContaining([deferred.case.id, otherDepartment.case.id]));
      expect((deferredOnes.body.items as Json[]).every((i) => i.kind === 'deferred-materials')).toBe(true);
      const twoKinds = await list({ kind: 'voluntary,notice-commitment', pageSize: 200 });
      expect(ids(twoKinds)).not.toContain(deferred.case.id);

      const byDepartment = await list({ department: OTHER_DEPARTMENT });
      expect(ids(byDepartment)).toEqual([otherDepartment.case.id]);
      const refusedOnes = await list({ status: 'refused' });
      expect(ids(refusedOnes)).toEqual([refused.case.id]);
      const bySubject = await list({ subjectCode: person.code });
      expect(ids(bySubject)).toEqual([voluntary.case.id]);

      // The items of 容缺受理 (20 working days, one month) and the verification (20 working days)
      // fall due within three months; nothing was due before 2020.
      const soon = await list({
        dueBefore: new Date(Date.now() + 90 * 86_400_000).toISOString(),
        pageSize: 200,
      });
      expect(ids(soon)).toEqual(
        expect.arrayContaining([deferred.case.id, otherDepartment.case.id, notice.case.id]),
      );
      expect(ids(soon)).not.toContain(breached.case.id);
      expect(ids(soon)).not.toContain(refused.case.id);
      const past = await list({ dueBefore: '2020-01-01' });
      expect(past.body.total).toBe(0);
      expect((await list({ overdue: 'true' })).body.total).toBe(0);

      const breachedOnes = await list({ breached: 'true' });
      expect(ids(breachedOnes)).toEqual([breached.case.id]);
      expect(breachedOnes.body.items[0]).toMatchObject({
        breached: true,
        status: 'breached',
        statusName: '已违约',
      });
      const notBreached = await list({ breached: 'false', pageSize: 200 });
      expect(notBreached.body.total).toBe(all.body.total - 1);

      const page = await list({ pageSize: 2, page: 2 });
      expect(page.body).toMatchObject({ total: all.body.total, page: 2, pageSize: 2 });
      expect(page.body.items).toEqual(all.body.items.slice(2, 4));

      const bad = await http()
        .get('/api/commitments')
        .set(a.supervisor())
        .query({ kind: 'promise', dueBefore: 'soon', pageSize: 0 })
        .expect(400);
      expect(bad.body.details.fields.map((f: Json) => f.field)).toEqual(['kind', 'dueBefore', 'pageSize']);
    });

    it('counts by kind, status and department within the caller’s scope', async () => {
      const counts = (by: string, query: Json = {}) =>
        http()
          .get('/api/commitments/counts')
          .set(a.supervisor())
          .query({ by, ...query })
          .expect(200);
      const all = await http().get('/api/commitments').set(a.supervisor()).expect(200);
      const byKind = await counts('kind');
      expect(byKind.body.total).toBe(all.body.total);
      expect(byKind.body.counts).toEqual(
        expect.arrayContaining([
          { key: 'deferred-materials', name: '容缺受理承诺', count: expect.any(Number) },
          { key: 'voluntary', name: '主动型（自律）信用承诺', count: expect.any(Number) },
        ]),
      );
      const byStatus = await counts('status');
      expect(byStatus.body.counts).toEqual(
        expect.arrayContaining([
          { key: 'breached', name: '已违约', count: 1 },
          { key: 'refused', name: '不予适用', count: 1 },
        ]),
      );
      const byDepartment = await counts('department');
      expect(byDepartment.body.counts).toEqual(expect.arrayContaining([{ key: OTHER_DEPARTMENT, count: 1 }]));
      const deferredOnly = await counts('department', { kind: 'deferred-materials' });
      expect(deferredOnly.body.total).toBeGreaterThanOrEqual(2);
      const own = await http()
        .get('/api/commitments/counts')
        .set(a.caseworker(OTHER_DEPARTMENT))
        .query({ by: 'status' })
        .expect(200);
      expect(own.body).toMatchObject({ total: 1, counts: [{ key: 'in-force', name: '履约中', count: 1 }] });
      const badBy = await http()
        .get('/api/commitments/counts')
        .set(a.supervisor())
        .query({ by: 'colour' })
        .expect(400);
      expect(badBy.body.code).toBe('VALIDATION_FAILED');
    });

    it('shows the file: eligibility, signed text, items with due dates, timeline', async () => {
      const file = await a.detail(deferred.case.id);
      expect(file).toMatchObject({
        caseNo: deferred.case.caseNo,
        eligibility: { eligible: true, creditCheckId: expect.any(String) },
        signer: { name: '李四', capacity: '法定代表人', contact: '13900000001' },
        text: { title: '容缺受理信用承诺书', body: expect.stringContaining('消防安全检查合格证明') },
        items: [
          { no: 1, state: 'open', due: expect.any(String) },
          { no: 2, state: 'open', due: expect.any(String) },
        ],
        breach: null,
      });
      expect(file.timeline.map((e: Json) => e.kind).slice(0, 2)).toEqual(['signed', 'credit-checked']);
      const refusedFile = await a.detail(refused.case.id);
      expect(refusedFile.eligibility).toMatchObject({
        eligible: false,
        reasons: [expect.stringContaining('严重违法失信名单')],
      });
    });
  });

  describe('the signer and the public', () => {
    it('lets the signer follow the commitment with query code and subject code, and not with a wrong pair', async () => {
      const res = await http()
        .get('/api/commitments/lookup')
        .query({ queryCode: deferred.queryCode.toLowerCase(), subjectCode: deferred.subjectCode })
        .expect(200);
      expect(res.body).toMatchObject({
        caseNo: deferred.case.caseNo,
        status: 'in-force',
        statusName: '履约中',
        items: [
          { no: 1, supplied: false, due: expect.any(String) },
          { no: 2, supplied: false, due: expect.any(String) },
        ],
      });
      expect(res.body.timeline.map((e: Json) => e.kind)).toContain('signed');
      expect(JSON.stringify(res.body)).not.toContain(`cw@${DEPARTMENT}`);

      const refusedView = await http()
        .get('/api/commitments/lookup')
        .query({ queryCode: refused.queryCode, subjectCode: refused.subjectCode })
        .expect(200);
      expect(refusedView.body.eligibility).toMatchObject({ eligible: false, reasons: [expect.any(String)] });

      const wrongSubject = await http()
        .get('/api/commitments/lookup')
        .query({ queryCode: deferred.queryCode, subjectCode: notice.subjectCode })
        .expect(404);
      const wrongCode = await http()
        .get('/api/commitments/lookup')
        .query({ queryCode: 'ZZZZ-ZZZZ-ZZZZ', subjectCode: deferred.subjectCode })
        .expect(404);
      expect(wrongSubject.body).toEqual(wrongCode.body);
      expect(wrongCode.body.code).toBe('COMMITMENT_LOOKUP_NOT_FOUND');

      // A new query code replaces the old one.
      const reissued = await http()
        .post(`/api/commitments/${deferred.case.id}/query-code`)
        .set(a.caseworker())
        .expect(200);
      await http()
        .get('/api/commitments/lookup')
        .query({ queryCode: deferred.queryCode, subjectCode: deferred.subjectCode })
        .expect(404);
      await http()
        .get('/api/commitments/lookup')
        .query({ queryCode: reissued.body.queryCode, subjectCode: deferred.subjectCode })
        .expect(200);
    });

    it('shows published commitments in the 专栏 with a masked identity number and no contact', async () => {
      const res = await http()
        .get('/api/public/commitments')
        .query({ jurisdiction: JURISDICTION, pageSize: 200 })
        .expect(200);
      const shown = (res.body.items as Json[]).map((i) => i.caseNo);
      expect(shown).toEqual(
        expect.arrayContaining([deferred.case.caseNo, notice.case.caseNo, voluntary.case.caseNo]),
      );
      expect(shown).not.toContain(refused.case.caseNo); // never admitted
      expect(shown).not.toContain(breached.case.caseNo); // signed with published: false

      const entry = (res.body.items as Json[]).find((i) => i.caseNo === voluntary.case.caseNo)!;
      const masked = `${person.code.slice(0, 6)}********${person.code.slice(14)}`;
      expect(entry).toMatchObject({
        kind: 'voluntary',
        kindName: '主动型（自律）信用承诺',
        status: 'in-force',
        statusName: '履约中',
        subject: { name: person.name, code: masked, kind: 'natural-person' },
        matter: '养老机构备案',
        text: { title: expect.any(String), body: expect.stringContaining(masked) },
      });
      const whole = JSON.stringify(res.body);
      expect(whole).not.toContain(person.code);
      expect(whole).not.toContain('13900000001');
      expect(whole).not.toContain('queryCode');
      const organisation = (res.body.items as Json[]).find((i) => i.caseNo === deferred.case.caseNo)!;
      expect(organisation.subject.code).toBe(deferred.subjectCode);

      const one = await http().get(`/api/public/commitments/${voluntary.case.caseNo}`).expect(200);
      expect(one.body).toEqual(entry);
      expect(JSON.stringify(one.body)).not.toContain(person.code);
      for (const hidden of [breached.case.caseNo, refused.case.caseNo, 'YEXIAN-MZ-CN-1999-000001']) {
        const res404 = await http().get(`/api/public/commitments/${hidden}`).expect(404);
        expect(res404.body.code).toBe('COMMITMENT_NOT_PUBLISHED');
      }

      const elsewhere = await http()
        .get('/api/public/commitments')
        .query({ jurisdiction: 'xinzheng-mz' })
        .expect(200);
      expect(elsewhere.body.total).toBe(0);
      const noJurisdiction = await http().get('/api/public/commitments').expect(400);
      expect(noJurisdiction.body.details.fields.map((f: Json) => f.field)).toEqual(['jurisdiction']);
    });
  });
});
