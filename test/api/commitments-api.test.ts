import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { commitmentActors, type CommitmentActors, DEPARTMENT, type Json } from './commitments-support';
import { type ObjectionStack, startObjectionStack } from './objections-support';

describe('commitments API: signing each kind, the caseworker’s actions, idempotent intake, bad input', () => {
  let stack: ObjectionStack;
  let a: CommitmentActors;
  beforeAll(async () => {
    stack = await startObjectionStack();
    a = commitmentActors(stack);
  });
  afterAll(() => stack?.close());
  const http = () => stack.http();
  const post = (path: string, body: Json, who = a.caseworker()) =>
    http().post(`/api/commitments/${path}`).set(who).send(body);

  describe('容缺受理 (deferred materials)', () => {
    it('admits the commitment with its two items, then is kept once both are supplied', async () => {
      const created = await a.create('deferred-materials');
      expect(created).toMatchObject({
        created: true,
        queryCode: expect.stringMatching(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/),
        case: {
          kind: 'deferred-materials',
          kindName: '容缺受理承诺',
          status: 'in-force',
          statusName: '履约中',
          department: DEPARTMENT,
          jurisdiction: 'yexian-mz',
          subject: { code: created.subjectCode, kind: 'other-organisation' },
          eligibility: { eligible: true, reasons: [] },
        },
      });
      expect(created.case.caseNo).toMatch(/^YEXIAN-MZ-CN-\d{4}-\d{6}$/);
      expect(created.case.subject.name).toMatch(/^叶县承诺测试养老院/);
      const id = created.case.id as string;

      const file = await a.planned(id);
      expect(file.items).toMatchObject([
        { no: 1, name: '消防安全检查合格证明', state: 'open', due: expect.any(String) },
        { no: 2, name: '房屋租赁合同', state: 'open', due: expect.any(String) },
      ]);
      expect(file.text.title).toBe('容缺受理信用承诺书');
      expect(file.signer).toMatchObject({ name: '李四', capacity: '法定代表人' });

      const supplied = await post(`${id}/items/1/supply`, {
        attachment: { ref: 'DOC-2026-0101', name: '消防安全检查合格证明' },
        note: '原件已核验',
      }).expect(200);
      expect(supplied.body.status).toBe('in-force');
      expect(supplied.body.items[0]).toMatchObject({
        no: 1,
        suppliedAt: expect.any(String),
        state: 'supplied',
      });
      // The answer's revision is in the read model: the next read sees it.
      const after = await a.detail(id);
      expect(after.items[0].state).toBe('supplied');

      const again = await post(`${id}/items/1/supply`, {
        attachment: { ref: 'DOC-2', name: '再交一次' },
      }).expect(409);
      expect(again.body).toMatchObject({
        code: 'COMMITMENT_ITEM_SUPPLIED',
        message: expect.stringContaining('已于'),
      });

      const extended = await post(`${id}/items/2/extend`, {
        workingDays: 5,
        reason: '出租方外出，合同签订延后',
      }).expect(200);
      expect(extended.body.items[1].extendedBy).toBe(5);
      const beforeRefusals = await a.state(id);
      const tooLong = await post(`${id}/items/2/extend`, { workingDays: 31, reason: '再延长' }).expect(422);
      expect(tooLong.body.code).toBe('COMMITMENT_INVALID_INPUT');
      const unknownItem = await post(`${id}/items/3/supply`, {
        attachment: { ref: 'X-1', name: '无此项' },
      }).expect(422);
      expect(unknownItem.body).toMatchObject({
        code: 'COMMITMENT_INVALID_INPUT',
        message: expect.stringContaining('第3项'),
      });
      expect(await a.state(id)).toEqual(beforeRefusals);

      const last = await post(`${id}/items/2/supply`, {
        attachment: { ref: 'DOC-2026-0102', name: '房屋租赁合同' },
      }).expect(200);
      expect(last.body.status).toBe('kept');
      const kept = await a.fileOf(id, (c) => c.status === 'kept' && c.keptRecordId !== null);
      expect(kept.statusName).toBe('已履约');
      expect(kept.timeline.map((e: Json) => e.kind)).toEqual(
        expect.arrayContaining(['signed', 'credit-checked', 'item-supplied', 'item-extended', 'kept']),
      );

      const ended = await post(`${id}/withdraw`, { reason: '已经履约后再撤回' }).expect(409);
      expect(ended.body).toMatchObject({
        code: 'COMMITMENT_ENDED',
        message: expect.stringContaining('已履约'),
      });
    });

    it('withdraws the application before any deadline has passed, without breach', async () => {
      const { case: c } = await a.create('deferred-materials');
      await a.planned(c.id);
      const res = await post(`${c.id}/withdraw`, { reason: '申请人书面申请撤回办理申请' }).expect(200);
      expect(res.body).toMatchObject({
        status: 'withdrawn',
        withdrawal: { reason: '申请人书面申请撤回办理申请' },
      });
      const file = await a.fileOf(c.id, (f) => f.status === 'withdrawn');
      expect(file).toMatchObject({ statusName: '已撤回', breach: null, breached: false });
    });
  });

  describe('告知承诺 (notice commitment)', () => {
    it('is kept when the verification finds the declaration true; has no items to supply', async () => {
      const { case: c } = await a.create('notice-commitment');
      expect(c).toMatchObject({ kindName: '告知承诺', status: 'in-force' });
      const file = await a.planned(c.id);
      expect(file.verification).toMatchObject({ due: expect.any(String), result: null });

      const before = await a.state(c.id);
      const supply = await post(`${c.id}/items/1/supply`, { attachment: { ref: 'X', name: 'Y' } }).expect(
        409,
      );
      expect(supply.body).toMatchObject({
        code: 'COMMITMENT_WRONG_STATUS',
        message: expect.stringContaining('告知承诺'),
      });
      expect(await a.state(c.id)).toEqual(before);

      const verified = await post(`${c.id}/verification`, {
        truthful: true,
        finding: '现场核查，场地、人员与承诺一致',
      }).expect(200);
      expect(verified.body.status).toBe('kept');
      expect(verified.body.verification.result).toMatchObject({ truthful: true, by: `cw@${DEPARTMENT}` });
    });

    it('is breached when the verification finds the declaration false, and the breach is on file', async () => {
      const { case: c } = await a.create('notice-commitment');
      await a.planned(c.id);
      const res = await post(`${c.id}/verification`, {
        truthful: false,
        finding: '实有床位与申报不符',
      }).expect(200);
      expect(res.body).toMatchObject({ status: 'breached', breach: { cause: 'verification-false' } });
      const file = await a.fileOf(c.id, (f) => f.status === 'breached' && f.breachRecordId !== null);
      expect(file).toMatchObject({
        breached: true,
        statusName: '已违约',
        breach: { cause: 'verification-false' },
      });
    });
  });

  describe('主动型（自律）承诺 (voluntary)', () => {
    it('is valid for the period given, cannot be withdrawn, and takes reported breaches', async () => {
      const { case: c } = await a.create('voluntary', {
        extra: { validity: { value: 2, unit: 'years' }, published: true },
      });
      expect(c).toMatchObject({ kind: 'voluntary', status: 'in-force', published: true });
      const file = await a.fileOf(c.id, (f) => f.validUntil !== null);
      const years = (Date.parse(file.validUntil) - Date.parse(file.signedAt)) / (365 * 86_400_000);
      expect(years).toBeGreaterThan(1.9);
      expect(years).toBeLessThan(2.1);

      const withdraw = await post(`${c.id}/withdraw`, { reason: '不想承诺了' }).expect(409);
      expect(withdraw.body.code).toBe('COMMITMENT_WRONG_STATUS');

      // A provider of the jurisdiction reports; the department dismisses, then confirms a second one.
      const reported = await post(
        `${c.id}/breach-reports`,
        { description: '群众举报该机构未按承诺配备护理人员', source: '投诉举报' },
        a.provider(),
      ).expect(200);
      expect(reported.body.breachReports).toMatchObject([{ no: 1, status: 'reported', source: '投诉举报' }]);
      const dismissed = await post(`${c.id}/breach-reports/1/decision`, {
        confirmed: false,
        reason: '经现场核实，护理人员配备符合承诺',
      }).expect(200);
      expect(dismissed.body.breachReports[0]).toMatchObject({ status: 'dismissed' });
      const twice = await post(`${c.id}/breach-reports/1/decision`, {
        confirmed: true,
        reason: '改判',
      }).expect(409);
      expect(twice.body.code).toBe('COMMITMENT_REPORT_DECIDED');
      const noReport = await post(`${c.id}/breach-reports/9/decision`, {
        confirmed: true,
        reason: '无此线索',
      }).expect(422);
      expect(noReport.body.code).toBe('COMMITMENT_INVALID_INPUT');

      await post(`${c.id}/breach-reports`, { description: '日常检查发现超范围经营' }, a.supervisor()).expect(
        200,
      );
      const confirmed = await post(`${c.id}/breach-reports/2/decision`, {
        confirmed: true,
        reason: '经调查属实',
      }).expect(200);
      expect(confirmed.body).toMatchObject({ status: 'breached', breach: { cause: 'breach-confirmed' } });
    });
  });

  describe('the credit check at intake (逢办必查)', () => {
    it('refuses a blacklisted subject the fast track: a refused case file (201) with the reasons', async () => {
      const listed = await a.blacklistedSubject();
      const res = await a.create('deferred-materials', { subjectCode: listed.code });
      expect(res.created).toBe(true);
      expect(res.case).toMatchObject({
        status: 'refused',
        statusName: '不予适用',
        eligibility: { eligible: false, reasons: [expect.stringContaining('严重违法失信名单')] },
      });
      const file = await a.fileOf(res.case.id, (f) => f.timeline.some((e: Json) => e.kind === 'refused'));
      expect(file.closedAt).not.toBeNull();
      const act = await post(`${res.case.id}/items/1/supply`, { attachment: { ref: 'A', name: 'B' } }).expect(
        409,
      );
      expect(act.body.code).toBe('COMMITMENT_ENDED');

      // A voluntary commitment is open to every subject.
      const voluntary = await a.create('voluntary', { subjectCode: listed.code });
      expect(voluntary.case.status).toBe('in-force');
    });
  });

  describe('idempotent intake and bad input', () => {
    it('returns the same commitment for the same key and body, and refuses the key with another body', async () => {
      const s = await a.subject();
      const body = a.body('notice-commitment', s.code);
      const key = 'commitment-key-0001';
      const first = await http()
        .post('/api/commitments')
        .set(a.caseworker())
        .set('Idempotency-Key', key)
        .send(body);
      expect(first.status).toBe(201);
      const again = await http()
        .post('/api/commitments')
        .set(a.caseworker())
        .set('Idempotency-Key', key)
        .send(body)
        .expect(200);
      expect(again.body).toMatchObject({ created: false, queryCode: null, case: { id: first.body.case.id } });
      expect(again.body.case.caseNo).toBe(first.body.case.caseNo);
      const other = await http()
        .post('/api/commitments')
        .set(a.caseworker())
        .set('Idempotency-Key', key)
        .send({ ...body, matter: '另一事项' })
        .expect(409);
      expect(other.body).toMatchObject({
        code: 'IDEMPOTENCY_KEY_REUSED',
        details: { caseNo: first.body.case.caseNo },
      });
      expect(await a.rows().countBy({ subjectCode: s.code })).toBe(1);
    });

    it('refuses malformed or unacceptable signing with a stable 4xx code and stores nothing', async () => {
      const s = await a.subject();
      const send = (body: Json, key: string | null = `bad-${Math.random()}`) => {
        const req = http().post('/api/commitments').set(a.caseworker());
        return (key ? req.set('Idempotency-Key', key) : req).send(body);
      };
      const fields = (res: { body: Json }) => res.body.details.fields.map((f: Json) => [f.field, f.code]);

      expect((await send(a.body('voluntary', s.code), null).expect(400)).body.code).toBe(
        'IDEMPOTENCY_KEY_REQUIRED',
      );

      const malformed = await send({
        kind: 'promise',
        subjectCode: s.code,
        signer: { name: '', capacity: '本人' },
        matter: '养老机构备案',
        extra: true,
      }).expect(400);
      expect(malformed.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('提交的内容有误'),
      });
      expect(fields(malformed)).toEqual(
        expect.arrayContaining([
          ['kind', 'invalid_enum_value'],
          ['signer.name', 'too_small'],
          ['signer.contact', 'invalid_type'],
          ['extra', 'unrecognized_keys'],
        ]),
      );

      // A 信用修复承诺 is started by its repair case, never signed here.
      const repair = await send(a.body('repair', s.code)).expect(400);
      expect(fields(repair)).toEqual([['kind', 'invalid_enum_value']]);

      const noItems = await send(a.body('deferred-materials', s.code, { items: [] })).expect(400);
      expect(fields(noItems)).toEqual([['items', 'items_required']]);
      expect(noItems.body.message).toContain('容缺受理承诺必须列明');
      const duplicateItem = await send(
        a.body('deferred-materials', s.code, {
          items: [
            { name: '营业执照', limit: { value: 5, unit: 'working-days' } },
            { name: '营业执照', limit: { value: 9, unit: 'working-days' } },
          ],
        }),
      ).expect(400);
      expect(fields(duplicateItem)).toEqual([['items[1].name', 'duplicate']]);
      const itemsNotAllowed = await send(
        a.body('notice-commitment', s.code, {
          items: [{ name: '营业执照', limit: { value: 5, unit: 'working-days' } }],
        }),
      ).expect(400);
      expect(fields(itemsNotAllowed)).toEqual([['items', 'items_not_allowed']]);
      const validity = await send(
        a.body('notice-commitment', s.code, { validity: { value: 1, unit: 'years' } }),
      ).expect(400);
      expect(fields(validity)).toEqual([['validity', 'validity_not_allowed']]);
      const badLimit = await send(
        a.body('deferred-materials', s.code, {
          items: [{ name: '营业执照', limit: { value: 200, unit: 'months' } }],
        }),
      ).expect(400);
      expect(fields(badLimit)).toEqual([['items[0].limit.value', 'too_big']]);
      const years = await send(
        a.body('deferred-materials', s.code, {
          items: [{ name: '营业执照', limit: { value: 1, unit: 'years' } }],
        }),
      ).expect(400);
      expect(fields(years)).toEqual([['items[0].limit.unit', 'invalid_enum_value']]);

      // A check character other than the right one (a fixed '0' is right for 1 code in 31).
      const wrong = s.code.endsWith('0') ? '1' : '0';
      const badCode = await send(a.body('voluntary', `${s.code.slice(0, 17)}${wrong}`)).expect(400);
      expect(fields(badCode)).toEqual([['subjectCode', 'invalid_subject_code']]);
      expect(await a.rows().countBy({ subjectCode: s.code })).toBe(0);
    });

    it('refuses a subject that is not registered with 404 COMMITMENT_SUBJECT_NOT_FOUND', async () => {
      const subjectCode = `91410422MA0099991${usccCheckCharacter('91410422MA0099991')}`;
      const res = await http()
        .post('/api/commitments')
        .set(a.caseworker())
        .set('Idempotency-Key', 'unregistered-subject-01')
        .send(a.body('voluntary', subjectCode))
        .expect(404);
      expect(res.body).toMatchObject({
        code: 'COMMITMENT_SUBJECT_NOT_FOUND',
        message: expect.stringContaining('尚未登记'),
      });
      expect(await a.rows().countBy({ subjectCode })).toBe(0);
    });

    it('refuses malformed actions (ids, item numbers, bodies) with 400 and changes nothing', async () => {
      const { case: c } = await a.create('deferred-materials');
      await a.planned(c.id);
      const before = await a.state(c.id);
      const fields = (res: { body: Json }) => res.body.details.fields.map((f: Json) => f.field);

      const badId = await post('not-a-uuid/withdraw', { reason: '撤回' }).expect(400);
      expect(badId.body.code).toBe('VALIDATION_FAILED');
      expect(fields(badId)).toEqual(['id']);
      const badNo = await post(`${c.id}/items/zero/supply`, { attachment: { ref: 'A', name: 'B' } }).expect(
        400,
      );
      expect(fields(badNo)).toEqual(['no']);
      await post(`${c.id}/items/0/extend`, { workingDays: 5, reason: '理由' }).expect(400);
      const badBody = await post(`${c.id}/items/1/extend`, { workingDays: 0, reason: '' }).expect(400);
      expect(fields(badBody)).toEqual(['workingDays', 'reason']);
      const noAttachment = await post(`${c.id}/items/1/supply`, { note: '没有附件' }).expect(400);
      expect(fields(noAttachment)).toEqual(['attachment']);
      const verification = await post(`${c.id}/verification`, { truthful: 'yes', finding: '核查' }).expect(
        400,
      );
      expect(fields(verification)).toEqual(['truthful']);
      const badKey = await http()
        .post(`/api/commitments/${c.id}/withdraw`)
        .set(a.caseworker())
        .set('Idempotency-Key', 'short')
        .send({ reason: '撤回' })
        .expect(400);
      expect(badKey.body.code).toBe('IDEMPOTENCY_KEY_INVALID');
      // Well formed, but not for this kind: the workflow refuses.
      const notNotice = await post(`${c.id}/verification`, { truthful: true, finding: '核查属实' }).expect(
        409,
      );
      expect(notNotice.body.code).toBe('COMMITMENT_WRONG_STATUS');

      await http()
        .post('/api/commitments/6f1d1c56-0b8e-4c51-9f35-2d8f0e8b7a11/withdraw')
        .set(a.caseworker())
        .send({ reason: '撤回' })
        .expect(404)
        .expect((res) => expect(res.body.code).toBe('COMMITMENT_NOT_FOUND'));
      expect(await a.state(c.id)).toEqual(before);
    });

    it('answers a repeated action with the same Idempotency-Key once', async () => {
      const { case: c } = await a.create('deferred-materials');
      await a.planned(c.id);
      const send = () =>
        http()
          .post(`/api/commitments/${c.id}/items/1/extend`)
          .set(a.caseworker())
          .set('Idempotency-Key', 'extend-item-1-once')
          .send({ workingDays: 3, reason: '补充说明' })
          .expect(200);
      const first = await send();
      const second = await send();
      expect(second.body.items[0].extendedBy).toBe(3);
      expect(second.body.revision).toBe(first.body.revision);
    });
  });
});
