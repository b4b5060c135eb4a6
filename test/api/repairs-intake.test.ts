import { randomUUID } from 'node:crypto';
import { nextDay, periodEnd } from '../../workflows/case/periods';
import { startObjectionStack, type ObjectionStack } from './objections-support';
import { BASE, day, materials, repairActors, today, type Json, type RepairActors } from './repairs-support';

/** 信用修复 intake through the API: the public pre-check, applications, idempotency, bad input. */
describe('repairs API: the pre-check and applications', () => {
  let stack: ObjectionStack;
  let a: RepairActors;

  beforeAll(async () => {
    stack = await startObjectionStack();
    a = repairActors(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const precheck = (query: Record<string, string>) =>
    a
      .http()
      .get('/api/repairs/eligibility')
      .query({ jurisdiction: 'yexian-mz', ...query });
  const caseCount = async () => (await a.rows().count()) as number;

  describe('the pre-check (GET /api/repairs/eligibility, no token)', () => {
    it('too early in the minimum publicity period: not eligible, with the first day an application can succeed', async () => {
      const decisionDate = day(-100);
      const r = await a.record({ tier: '严重', decisionDate });
      const before = await caseCount();
      const res = await precheck({ recordId: r.recordId, subjectCode: r.subjectCode }).expect(200);
      const minPublicityEnd = periodEnd(decisionDate, { value: 1, unit: 'years' });
      expect(res.body).toMatchObject({
        eligible: false,
        tier: '严重',
        minPublicityEnd,
        retryFrom: nextDay(minPublicityEnd),
        record: { id: r.recordId, severityTier: '严重', decisionDate },
        today: today(),
      });
      expect(res.body.reasons[0]).toContain(`至${minPublicityEnd}届满`);
      expect(res.body.required.map((m: Json) => m.name)).toEqual([
        '纠正失信行为的证明材料',
        '信用修复承诺书',
        '信用修复培训证明',
        '信用报告',
      ]);
      expect(await caseCount()).toBe(before);
    });

    it('a tier that cannot be repaired (527号 特定严重): not eligible, without a date', async () => {
      const r = await a.record({ tier: '特定严重', decisionDate: '2025-06-10' });
      const res = await precheck({ recordId: r.recordId, subjectCode: r.subjectCode }).expect(200);
      expect(res.body).toMatchObject({
        eligible: false,
        tier: '特定严重',
        retryFrom: null,
        policyVersion: 1,
      });
      expect(res.body.reasons).toEqual(['该记录属于“特定严重”失信，依规定不予信用修复。']);
    });

    it('eligible: the tier under the more favourable rule, the minimum publicity ended, the materials to bring', async () => {
      const decisionDate = day(-800);
      const r = await a.record({ tier: '一般', decisionDate });
      const res = await precheck({ recordId: r.recordId, subjectCode: r.subjectCode }).expect(200);
      expect(res.body).toMatchObject({
        eligible: true,
        reasons: [],
        retryFrom: null,
        tier: '一般',
        minPublicityEnd: periodEnd(decisionDate, { value: 3, unit: 'months' }),
        required: [
          { kind: 'correction-proof', name: '纠正失信行为的证明材料' },
          { kind: 'commitment-letter', name: '信用修复承诺书' },
        ],
      });
    });

    it('refuses an unknown record, another subject’s record, an unknown jurisdiction and malformed parameters', async () => {
      const r = await a.eligibleRecord();
      const other = await a.eligibleRecord();
      await precheck({ recordId: randomUUID(), subjectCode: r.subjectCode })
        .expect(404)
        .expect((res) => expect(res.body.code).toBe('REPAIR_RECORD_NOT_FOUND'));
      await precheck({ recordId: r.recordId, subjectCode: other.subjectCode })
        .expect(422)
        .expect((res) => expect(res.body.code).toBe('REPAIR_SUBJECT_MISMATCH'));
      const unknown = await precheck({
        recordId: r.recordId,
        subjectCode: r.subjectCode,
        jurisdiction: 'atlantis',
      }).expect(422);
      // The refusal names the jurisdictions that have a policy, and where the directory is.
      expect(unknown.body).toMatchObject({
        code: 'REPAIR_POLICY_MISSING',
        message: expect.stringContaining('yexian-mz（叶县民政局）'),
        details: {
          jurisdiction: 'atlantis',
          jurisdictions: expect.arrayContaining(['yexian-mz', 'ningjin']),
        },
      });
      expect(unknown.body.message).toContain('GET /api/jurisdictions');
      // 谁认定、谁修复: a 叶县 record is not repaired on 宁晋's website.
      const elsewhere = await precheck({
        recordId: r.recordId,
        subjectCode: r.subjectCode,
        jurisdiction: 'ningjin',
      }).expect(422);
      expect(elsewhere.body).toMatchObject({
        code: 'REPAIR_JURISDICTION_MISMATCH',
        message: expect.stringContaining('应在叶县民政局辖区（代码 yexian-mz）申请信用修复'),
        details: { jurisdiction: 'yexian-mz' },
      });
      const bad = await precheck({ recordId: 'not-a-uuid', subjectCode: '52410422MJ0000011X' }).expect(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      expect(bad.body.details.fields.map((f: Json) => f.field).sort()).toEqual(['recordId', 'subjectCode']);
    });
  });

  describe('applying', () => {
    it('an ineligible application is a case file refused at once, with the reasons and the day to apply again', async () => {
      const decisionDate = day(-100);
      const r = await a.record({ tier: '严重', decisionDate });
      const res = await a.applyOnline(r, {
        materials: materials(...BASE, 'training-certificate', 'credit-report'),
      });
      const retryFrom = nextDay(periodEnd(decisionDate, { value: 1, unit: 'years' }));
      expect(res).toMatchObject({
        created: true,
        queryCode: expect.any(String),
        case: {
          status: 'refused',
          statusName: '不予修复',
          eligibility: { eligible: false, retryFrom },
          reapplyFrom: retryFrom,
          decisionLetter: expect.stringContaining('不予信用修复决定书'),
        },
      });
      expect(res.case.eligibility.reasons[0]).toContain('最短公示期');
      const look = await a.lookup(res.queryCode, r.subjectCode).expect(200);
      expect(look.body).toMatchObject({ status: 'refused', reapplyFrom: retryFrom });
      // A refused application does not hold the record: the next one is a new case (refused again).
      const again = await a.applyOnline(r);
      expect(again.case.caseNo).not.toBe(res.case.caseNo);
    });

    it('is idempotent on the Idempotency-Key: the same body answers the same case, another body is refused', async () => {
      const r = await a.eligibleRecord();
      const key = `web-${randomUUID()}`;
      const send = (body: Json) =>
        a.http().post('/api/repairs/applications').set('Idempotency-Key', key).send(body);
      const body = a.application(r);
      const first = await send(body).expect(201);
      const before = await caseCount();
      const again = await send(body).expect(200);
      expect(again.body).toMatchObject({
        created: false,
        queryCode: null,
        case: { caseNo: first.body.case.caseNo },
      });
      const other = await send(
        a.application(r, { applicant: { name: '赵六', contact: '13600000000' } }),
      ).expect(409);
      expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(await caseCount()).toBe(before);

      // The office's registration is idempotent on its own key the same way.
      const office = await a.eligibleRecord();
      const officeKey = `office-${randomUUID()}`;
      const officeBody = { ...a.application(office), jurisdiction: undefined, channel: 'mail' };
      const register = () =>
        a.http().post('/api/repairs').set(a.caseworker()).set('Idempotency-Key', officeKey).send(officeBody);
      const registered = await register().expect(201);
      const replayed = await register().expect(200);
      expect(replayed.body).toMatchObject({
        created: false,
        queryCode: null,
        case: { id: registered.body.case.id },
      });
    });

    it('one open application per record: a second is refused with the open case’s number', async () => {
      const r = await a.eligibleRecord();
      const first = await a.applyOnline(r);
      const before = await caseCount();
      const second = await a
        .http()
        .post('/api/repairs/applications')
        .set('Idempotency-Key', `web-${randomUUID()}`)
        .send(a.application(r))
        .expect(409);
      expect(second.body).toMatchObject({
        code: 'REPAIR_ALREADY_OPEN',
        details: { caseNo: first.case.caseNo },
      });
      expect(second.body.message).toContain(first.case.caseNo);
      // The office cannot register one either.
      await a
        .http()
        .post('/api/repairs')
        .set(a.caseworker())
        .set('Idempotency-Key', `office-${randomUUID()}`)
        .send({ ...a.application(r), jurisdiction: undefined, channel: 'window' })
        .expect(409)
        .expect((res) => expect(res.body.code).toBe('REPAIR_ALREADY_OPEN'));
      expect(await caseCount()).toBe(before);
    });

    it('refuses bad applications with stable codes and Chinese messages, and writes nothing', async () => {
      const r = await a.eligibleRecord();
      const other = await a.eligibleRecord();
      const before = await caseCount();
      const apply = (body: Json, key: string | null = `web-${randomUUID()}`) => {
        const req = a.http().post('/api/repairs/applications');
        return (key ? req.set('Idempotency-Key', key) : req).send(body);
      };
      await apply(a.application(r), null)
        .expect(400)
        .expect((res) => expect(res.body.code).toBe('IDEMPOTENCY_KEY_REQUIRED'));
      await apply(a.application(r, { recordId: randomUUID() }))
        .expect(404)
        .expect((res) => expect(res.body.code).toBe('REPAIR_RECORD_NOT_FOUND'));
      const mismatch = await apply(a.application(r, { subjectCode: other.subjectCode })).expect(422);
      expect(mismatch.body).toMatchObject({
        code: 'REPAIR_SUBJECT_MISMATCH',
        message: expect.stringContaining('主体代码与该信用记录的信用主体不一致'),
      });
      await apply(a.application(r, { jurisdiction: 'atlantis' }))
        .expect(422)
        .expect((res) => expect(res.body.code).toBe('REPAIR_POLICY_MISSING'));
      await apply(a.application(r, { jurisdiction: 'ningjin' }))
        .expect(422)
        .expect((res) =>
          expect(res.body).toMatchObject({
            code: 'REPAIR_JURISDICTION_MISMATCH',
            details: { jurisdiction: 'yexian-mz' },
          }),
        );
      const malformed = await apply(
        a.application(r, {
          materials: [{ kind: 'selfie', attachment: { ref: 'x', name: 'y' } }],
          applicant: { name: '' },
          channel: 'window',
          extra: true,
        }),
      ).expect(400);
      expect(malformed.body.code).toBe('VALIDATION_FAILED');
      expect(malformed.body.details.fields.map((f: Json) => f.field)).toEqual(
        expect.arrayContaining([
          'materials[0].kind',
          'applicant.name',
          'applicant.contact',
          'channel',
          'extra',
        ]),
      );
      expect(malformed.body.message).toContain('applicant.name：必须填写');
      // The office's route takes no jurisdiction (its token's) and only the office's channels.
      await a
        .http()
        .post('/api/repairs')
        .set(a.caseworker())
        .set('Idempotency-Key', `office-${randomUUID()}`)
        .send(a.application(r))
        .expect(400)
        .expect((res) =>
          expect(res.body.details.fields.map((f: Json) => f.field).sort()).toEqual([
            'channel',
            'jurisdiction',
          ]),
        );
      expect(await caseCount()).toBe(before);
    });
  });
});
