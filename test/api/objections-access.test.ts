import { ObjectionCase } from '../../infra/database/entities';
import {
  actors,
  JURISDICTION,
  OFFICE,
  ObjectionStack,
  PROVIDER,
  startObjectionStack,
} from './objections-support';

describe('objections API: idempotent intake, bad input, authorization by role and department, listings', () => {
  let stack: ObjectionStack;
  let a: ReturnType<typeof actors>;
  beforeAll(async () => {
    stack = await startObjectionStack();
    a = actors(stack);
  });
  afterAll(() => stack?.close());
  const http = () => stack.http();
  const cases = () => stack.api.dataSource.getRepository(ObjectionCase);

  describe('creation', () => {
    it('returns the same case for the same Idempotency-Key and body, and refuses the key with another body', async () => {
      const record = await a.record();
      const body = a.objectionBody(record);
      const first = await http()
        .post('/api/objections')
        .set(a.caseworker())
        .set('Idempotency-Key', 'idem-key-00000001')
        .send(body)
        .expect(201);
      const again = await http()
        .post('/api/objections')
        .set(a.caseworker())
        .set('Idempotency-Key', 'idem-key-00000001')
        .send(body)
        .expect(200);
      expect(again.body).toMatchObject({ created: false, queryCode: null, case: { id: first.body.case.id } });
      expect(again.body.case.caseNo).toBe(first.body.case.caseNo);
      expect(await cases().countBy({ recordId: record.recordId })).toBe(1);

      const other = await http()
        .post('/api/objections')
        .set(a.caseworker())
        .set('Idempotency-Key', 'idem-key-00000001')
        .send({ ...body, groundsText: '另一份理由' })
        .expect(409);
      expect(other.body).toMatchObject({
        code: 'IDEMPOTENCY_KEY_REUSED',
        details: { caseNo: first.body.case.caseNo },
      });

      // A second objection on the same record while the first runs is refused.
      const duplicate = await http()
        .post('/api/objections')
        .set(a.caseworker())
        .set('Idempotency-Key', 'idem-key-00000002')
        .send(body)
        .expect(409);
      expect(duplicate.body.code).toBe('OBJECTION_ALREADY_OPEN');
      expect(await cases().countBy({ recordId: record.recordId })).toBe(1);

      // The one workflow runs and publishes (revision grows from the API's 0).
      await a.caseFile(first.body.case.id, (c) => c.revision >= 1);
    });

    it('refuses bad input with a clear 4xx and stores nothing', async () => {
      const record = await a.record();
      const send = (
        body: unknown,
        headers: Record<string, string> = { 'Idempotency-Key': `bad-${Math.random()}` },
      ) =>
        http()
          .post('/api/objections')
          .set(a.caseworker())
          .set(headers)
          .send(body as object);

      const missingKey = await send(a.objectionBody(record), {}).expect(400);
      expect(missingKey.body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');

      const invalid = await send({
        ...a.objectionBody(record),
        grounds: [],
        channel: 'fax',
        extra: 1,
      }).expect(400);
      expect(invalid.body.code).toBe('VALIDATION_FAILED');
      expect(invalid.body.details.fields.map((f: { field: string }) => f.field)).toEqual(
        expect.arrayContaining(['grounds', 'channel']),
      );
      expect(invalid.body.message).toMatch(/提交的内容有误/);

      const unknown = await send(
        a.objectionBody({
          recordId: '6f1d1c56-0b8e-4c51-9f35-2d8f0e8b7a11',
          subjectCode: record.subjectCode,
        }),
      ).expect(404);
      expect(unknown.body.code).toBe('OBJECTION_RECORD_NOT_FOUND');

      const other = await a.record();
      const mismatch = await send(a.objectionBody({ ...record, subjectCode: other.subjectCode })).expect(422);
      expect(mismatch.body.code).toBe('OBJECTION_SUBJECT_MISMATCH');

      // 新郑 accepts objections only at the window and on the website.
      const byPhone = await http()
        .post('/api/objections')
        .set(a.caseworker('新郑市民政局', 'xinzheng-mz'))
        .set('Idempotency-Key', 'xinzheng-phone-0001')
        .send(a.objectionBody(record, { channel: 'phone' }))
        .expect(422);
      expect(byPhone.body).toMatchObject({
        code: 'OBJECTION_CHANNEL_NOT_ACCEPTED',
        message: expect.stringContaining('电话'),
      });

      expect(await cases().countBy({ recordId: record.recordId })).toBe(0);
    });
  });

  describe('authorization', () => {
    let id: string;
    beforeAll(async () => {
      ({ id } = await a.createCase());
      await a.registered(id);
    });

    it('needs a token everywhere except the applicant look-up', async () => {
      expect((await http().get('/api/objections').expect(401)).body.code).toBe('AUTH_REQUIRED');
      await http().post('/api/objections').send({}).expect(401);
      await http().get(`/api/objections/${id}`).expect(401);
      await http().post(`/api/objections/${id}/forward`).send({}).expect(401);
      await http().get('/api/objections/verifications/pending').expect(401);
      await http()
        .get('/api/objections/lookup')
        .query({ queryCode: 'AAAA-AAAA-AAAA', subjectCode: 'x' })
        .expect(404);
    });

    it('lets only caseworkers register and act, and only on their own department’s cases', async () => {
      const record = await a.record();
      const byProvider = await http()
        .post('/api/objections')
        .set(a.provider())
        .set('Idempotency-Key', 'provider-create-01')
        .send(a.objectionBody(record))
        .expect(403);
      expect(byProvider.body.code).toBe('AUTH_FORBIDDEN_ROLE');
      await http().post(`/api/objections/${id}/forward`).set(a.supervisor()).send({}).expect(403);
      await http().post(`/api/objections/${id}/forward`).set(a.provider()).send({}).expect(403);

      const before = await a.caseState(id);
      const otherOffice = await http()
        .post(`/api/objections/${id}/forward`)
        .set(a.caseworker('叶县市场监督管理局'))
        .send({})
        .expect(403);
      expect(otherOffice.body).toMatchObject({
        code: 'OBJECTION_OTHER_DEPARTMENT',
        message: expect.stringContaining(OFFICE),
      });
      const noDepartment = await http()
        .post(`/api/objections/${id}/forward`)
        .set(stack.api.auth(['caseworker'], { jurisdiction: JURISDICTION }))
        .send({})
        .expect(403);
      expect(noDepartment.body.code).toBe('AUTH_DEPARTMENT_REQUIRED');
      await http()
        .post('/api/objections/6f1d1c56-0b8e-4c51-9f35-2d8f0e8b7a11/forward')
        .set(a.caseworker())
        .send({})
        .expect(404);
      expect(await a.caseState(id)).toEqual(before);
    });

    it('lets only the record’s provider see and verify the case', async () => {
      await a.forward(id);
      const stranger = a.provider('叶县住房和城乡建设局');
      const pending = await http().get('/api/objections/verifications/pending').set(stranger).expect(200);
      expect(pending.body.items).toEqual([]);
      await http().get(`/api/objections/${id}`).set(stranger).expect(404);
      const reply = await http()
        .post(`/api/objections/${id}/verification`)
        .set(stranger)
        .send({ outcome: 'revoked', opinion: '不是本部门的记录也想撤销' })
        .expect(404);
      expect(reply.body.code).toBe('OBJECTION_NOT_FOUND');
      await http()
        .post(`/api/objections/${id}/verification`)
        .set(a.caseworker())
        .send({ outcome: 'upheld', opinion: '经办人不能代为核查答复' })
        .expect(403);

      // The right provider with an invalid reply: refused by the workflow's validator, nothing changes.
      await a.caseFile(id, (c) => c.status === 'forwarded');
      const before = await a.caseState(id);
      const invalid = await http()
        .post(`/api/objections/${id}/verification`)
        .set(a.provider())
        .send({ outcome: 'corrected', opinion: '经核实需要更正' })
        .expect(422);
      expect(invalid.body).toMatchObject({
        code: 'OBJECTION_INVALID_INPUT',
        message: expect.stringContaining('更正'),
      });
      const malformed = await http()
        .post(`/api/objections/${id}/verification`)
        .set(a.provider())
        .send({ outcome: 'deleted', opinion: '经核实' })
        .expect(400);
      expect(malformed.body.code).toBe('VALIDATION_FAILED');
      expect(await a.caseState(id)).toEqual(before);
      expect(before.reply).toBeNull();

      const own = await http().get(`/api/objections/${id}`).set(a.provider()).expect(200);
      expect(own.body.id).toBe(id);
    });

    it('does not tell which half of a wrong look-up pair was wrong', async () => {
      const { queryCode, subjectCode } = await a.createCase();
      const other = await a.record();
      const wrongSubject = await http()
        .get('/api/objections/lookup')
        .query({ queryCode, subjectCode: other.subjectCode })
        .expect(404);
      const wrongCode = await http()
        .get('/api/objections/lookup')
        .query({ queryCode: 'ZZZZ-ZZZZ-ZZZZ', subjectCode })
        .expect(404);
      expect(wrongSubject.body).toEqual(wrongCode.body);
      expect(wrongCode.body.code).toBe('OBJECTION_LOOKUP_NOT_FOUND');
    });

    it('scopes supervisors to their jurisdiction and caseworkers to their department', async () => {
      await http().get(`/api/objections/${id}`).set(a.supervisor('xinzheng-mz')).expect(404);
      const foreign = await http().get('/api/objections').set(a.supervisor('xinzheng-mz')).expect(200);
      expect(foreign.body.total).toBe(0);
      const otherOffice = await http()
        .get('/api/objections')
        .set(a.caseworker('叶县市场监督管理局'))
        .expect(200);
      expect(otherOffice.body.items).toEqual([]);
      const own = await http().get('/api/objections').set(a.caseworker()).expect(200);
      expect(own.body.items.map((i: { id: string }) => i.id)).toContain(id);
    });
  });

  describe('supervisor listings', () => {
    it('lists and counts cases by status, department, step and due date, with paging', async () => {
      const all = await http()
        .get('/api/objections')
        .set(a.supervisor())
        .query({ pageSize: 200 })
        .expect(200);
      expect(all.body.total).toBeGreaterThanOrEqual(3);
      expect(all.body.items.every((i: { jurisdiction: string }) => i.jurisdiction === JURISDICTION)).toBe(
        true,
      );

      const forwarded = await http()
        .get('/api/objections')
        .set(a.supervisor())
        .query({ status: 'forwarded', step: 'verify', department: PROVIDER })
        .expect(200);
      expect(forwarded.body.total).toBeGreaterThanOrEqual(1);
      expect(
        forwarded.body.items.every(
          (i: { status: string; step: string }) => i.status === 'forwarded' && i.step === 'verify',
        ),
      ).toBe(true);

      const received = await http()
        .get('/api/objections')
        .set(a.supervisor())
        .query({ status: 'received' })
        .expect(200);
      const page = await http()
        .get('/api/objections')
        .set(a.supervisor())
        .query({ status: 'received', pageSize: 1, page: 2 })
        .expect(200);
      expect(page.body).toMatchObject({ total: received.body.total, page: 2, pageSize: 1 });
      expect(page.body.items).toEqual([received.body.items[1]]);

      // Every open case here is due within the 5 working days of 叶县 (plus weekends and holidays).
      const soon = await http()
        .get('/api/objections')
        .set(a.supervisor())
        .query({ dueBefore: new Date(Date.now() + 40 * 86_400_000).toISOString() })
        .expect(200);
      const past = await http()
        .get('/api/objections')
        .set(a.supervisor())
        .query({ dueBefore: '2020-01-01' })
        .expect(200);
      expect(soon.body.total).toBeGreaterThanOrEqual(1);
      expect(past.body.total).toBe(0);
      const overdue = await http()
        .get('/api/objections')
        .set(a.supervisor())
        .query({ overdue: 'true' })
        .expect(200);
      expect(overdue.body.total).toBe(0);

      const byStatus = await http()
        .get('/api/objections/counts')
        .set(a.supervisor())
        .query({ by: 'status' })
        .expect(200);
      expect(byStatus.body.total).toBe(all.body.total);
      expect(byStatus.body.counts).toEqual(
        expect.arrayContaining([
          { key: 'forwarded', name: '核查中', count: forwarded.body.total },
          { key: 'received', name: '已受理', count: received.body.total },
        ]),
      );
      const byDepartment = await http()
        .get('/api/objections/counts')
        .set(a.supervisor())
        .query({ by: 'department' })
        .expect(200);
      expect(byDepartment.body.counts).toEqual([{ key: OFFICE, count: all.body.total }]);
      const byOverdue = await http()
        .get('/api/objections/counts')
        .set(a.supervisor())
        .query({ by: 'overdue' })
        .expect(200);
      expect(byOverdue.body.counts).toEqual([{ key: false, count: all.body.total }]);

      const badBy = await http()
        .get('/api/objections/counts')
        .set(a.supervisor())
        .query({ by: 'colour' })
        .expect(400);
      expect(badBy.body.code).toBe('VALIDATION_FAILED');
      await http().get('/api/objections').set(a.supervisor()).query({ status: 'open' }).expect(400);
    });
  });
});
