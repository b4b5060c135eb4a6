import request from 'supertest';
import { CreditRecord, PlatformOutbox } from '../../infra/database/entities/registry';
import { shanghaiDate } from '../../workflows/calendar/working-days';
import { residentIdCheckCharacter, usccCheckCharacter } from '../../workflows/registry/identifiers';
import { startTestApi, TestApi } from '../support/api';

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const residentId = (first17: string) => first17 + residentIdCheckCharacter(first17);
/** A Beijing date `days` from today. */
const day = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000).toISOString());

describe('credit registry API: subjects and records', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());
  const http = () => request(api.app.getHttpServer());

  const caseworker = () => api.auth(['caseworker'], { department: '叶县民政局行政审批股' });
  const provider = (department = '叶县民政局') =>
    api.auth(['provider'], { department, sub: `p@${department}` });
  const supervisor = () => api.auth(['supervisor'], { jurisdiction: 'yexian-mz' });

  const ORG = uscc('52410422MJ0000101');
  const REP = residentId('41042219800101101');
  const PRINCIPAL = residentId('41042219851231102');
  const PERSON = residentId('41042219900615103');

  const registerOrg = (code = ORG, name = '叶县夕阳红养老服务中心') =>
    http()
      .post('/api/subjects')
      .set(caseworker())
      .send({
        kind: 'other-organisation',
        code,
        name,
        jurisdiction: 'yexian-mz',
        persons: [
          { role: 'legal-representative', code: REP, name: '王五' },
          { role: 'principal', code: PRINCIPAL, name: '赵六' },
        ],
      });

  const recordBody = (documentNo: string, extra: Record<string, unknown> = {}) => ({
    subjectCode: ORG,
    kind: 'administrative-penalty',
    documentNo,
    decisionDate: day(-10),
    conductEndedOn: day(-40),
    severityTier: '一般',
    title: '未按规定报送年度工作报告',
    content: '给予警告',
    publicityStart: day(-7),
    publicityMinEnd: day(80),
    publicityMaxEnd: day(355),
    retentionEnd: day(1800),
    ...extra,
  });

  const tableCount = async (table: string) =>
    Number((await api.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  describe('subjects', () => {
    it('registers an organisation with its legal representative and principal, linked both ways', async () => {
      const res = await registerOrg().expect(201);
      expect(res.body).toMatchObject({
        created: true,
        kind: 'other-organisation',
        kindName: '非法人组织',
        idType: 'uscc',
        code: ORG,
        masked: false,
        name: '叶县夕阳红养老服务中心',
      });
      expect(
        res.body.persons.map((p: { roleName: string; name: string }) => [p.roleName, p.name]).sort(),
      ).toEqual([
        ['主要负责人', '赵六'],
        ['法定代表人', '王五'],
      ]);
      const person = await http().get(`/api/subjects/${REP}`).set(supervisor()).expect(200);
      expect(person.body).toMatchObject({ kind: 'natural-person', code: REP, name: '王五' });
      expect(person.body.organisations).toEqual([
        expect.objectContaining({ role: 'legal-representative', code: ORG, name: '叶县夕阳红养老服务中心' }),
      ]);
    });

    it('returns the existing subject with 200 when the same code and name are registered again', async () => {
      const res = await registerOrg().expect(200);
      expect(res.body.created).toBe(false);
      expect(await tableCount(`credit_subject WHERE code = '${ORG}'`)).toBe(1);
    });

    it('refuses the same code under another name with 409 SUBJECT_CODE_TAKEN', async () => {
      const res = await registerOrg(ORG, '另一个名称').expect(409);
      expect(res.body).toMatchObject({
        code: 'SUBJECT_CODE_TAKEN',
        message: expect.stringContaining('叶县夕阳红'),
      });
    });

    it('rejects a credit code with a wrong check character, writing nothing', async () => {
      const before = await tableCount('credit_subject');
      const bad = ORG.slice(0, 17) + (ORG[17] === '0' ? '1' : '0');
      const res = await registerOrg(bad, '新组织').expect(400);
      expect(res.body).toMatchObject({
        code: 'SUBJECT_CODE_INVALID',
        message: expect.stringContaining('校验位不正确'),
        details: { identifierType: 'uscc', problem: 'checksum' },
      });
      expect(await tableCount('credit_subject')).toBe(before);
    });

    it('rejects the whole registration when one responsible person’s ID number is wrong', async () => {
      const before = await tableCount('credit_subject');
      const res = await http()
        .post('/api/subjects')
        .set(caseworker())
        .send({
          kind: 'legal-person',
          code: uscc('91410422MA0000201'),
          name: '叶县某建筑公司',
          persons: [
            { role: 'legal-representative', code: residentId('41042219700101201'), name: '甲' },
            { role: 'principal', code: '410422197001012020', name: '乙' },
          ],
        })
        .expect(400);
      expect(res.body).toMatchObject({ code: 'SUBJECT_CODE_INVALID', details: { field: 'persons[1].code' } });
      expect(await tableCount('credit_subject')).toBe(before);
    });

    it('rejects an ID number with an impossible birth date, naming it', async () => {
      const res = await http()
        .post('/api/subjects')
        .set(caseworker())
        .send({ kind: 'natural-person', code: residentId('41042219910231301'), name: '丙' })
        .expect(400);
      expect(res.body.details.problem).toBe('birth-date');
      expect(res.body.message).toContain('出生日期');
    });

    it('rejects persons on a natural person and unknown fields', async () => {
      await http()
        .post('/api/subjects')
        .set(caseworker())
        .send({
          kind: 'natural-person',
          code: PERSON,
          name: '丁',
          persons: [{ role: 'principal', code: REP, name: '王五' }],
        })
        .expect(400)
        .expect((r) => expect(r.body.code).toBe('SUBJECT_PERSONS_NOT_ALLOWED'));
      await http()
        .post('/api/subjects')
        .set(caseworker())
        .send({ kind: 'natural-person', code: PERSON, name: '丁', admin: true })
        .expect(400)
        .expect((r) => expect(r.body.code).toBe('VALIDATION_FAILED'));
    });

    it('masks ID numbers for caseworkers and shows them to supervisors', async () => {
      await http()
        .post('/api/subjects')
        .set(caseworker())
        .send({ kind: 'natural-person', code: PERSON, name: '丁' })
        .expect(201)
        .expect((r) =>
          expect(r.body).toMatchObject({
            code: `${PERSON.slice(0, 6)}********${PERSON.slice(14)}`,
            masked: true,
          }),
        );
      const asCaseworker = await http().get(`/api/subjects/${ORG}`).set(caseworker()).expect(200);
      expect(asCaseworker.body.code).toBe(ORG); // credit codes of organisations are public
      for (const p of asCaseworker.body.persons) {
        expect(p.code).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
        expect(p.masked).toBe(true);
      }
      const asSupervisor = await http().get(`/api/subjects/${ORG}`).set(supervisor()).expect(200);
      expect(asSupervisor.body.persons.map((p: { code: string }) => p.code).sort()).toEqual(
        [REP, PRINCIPAL].sort(),
      );
    });

    it('finds subjects by part of the name and kind', async () => {
      const res = await http()
        .get(`/api/subjects?name=${encodeURIComponent('夕阳红')}`)
        .set(caseworker())
        .expect(200);
      expect(res.body.items.map((s: { code: string }) => s.code)).toEqual([ORG]);
      const persons = await http().get('/api/subjects?kind=natural-person').set(caseworker()).expect(200);
      expect(persons.body.items.length).toBeGreaterThanOrEqual(2);
      for (const p of persons.body.items) expect(p).toMatchObject({ kind: 'natural-person', masked: true });
    });

    it('answers 404 SUBJECT_NOT_FOUND for a valid but unknown code and 400 for a malformed one', async () => {
      const unknown = uscc('91410422MA0000999');
      const res = await http().get(`/api/subjects/${unknown}`).set(caseworker()).expect(404);
      expect(res.body).toMatchObject({
        code: 'SUBJECT_NOT_FOUND',
        message: expect.stringContaining('请先登记'),
      });
      await http()
        .get('/api/subjects/123')
        .set(caseworker())
        .expect(400)
        .expect((r) => expect(r.body.code).toBe('SUBJECT_CODE_INVALID'));
    });

    it('lets only staff roles register subjects', async () => {
      await http()
        .post('/api/subjects')
        .set(supervisor())
        .send({ kind: 'natural-person', code: PERSON, name: '丁' })
        .expect(403);
    });
  });

  describe('records', () => {
    it('registers a record for the provider’s department with a register event', async () => {
      const res = await http()
        .post('/api/records')
        .set(provider())
        .send(recordBody('叶民罚决字〔2026〕1号'))
        .expect(201);
      expect(res.body).toMatchObject({
        created: true,
        department: '叶县民政局',
        documentNo: '叶民罚决字〔2026〕1号',
        kindName: '行政处罚',
        severityTier: '一般',
        status: 'active',
        statusName: '正常',
        version: 1,
        subject: { code: ORG },
      });
      const events = await http().get(`/api/records/${res.body.id}/events`).set(caseworker()).expect(200);
      expect(events.body.items).toEqual([
        expect.objectContaining({
          seq: 1,
          action: 'register',
          fromStatus: null,
          toStatus: 'active',
          actor: 'p@叶县民政局',
        }),
      ]);
    });

    it('is idempotent on (department, document number): same submission → same record, 200', async () => {
      const first = await http()
        .post('/api/records')
        .set(provider())
        .send(recordBody('叶民罚决字〔2026〕2号'))
        .expect(201);
      const again = await http()
        .post('/api/records')
        .set(provider())
        .send(recordBody('叶民罚决字〔2026〕2号'))
        .expect(200);
      expect(again.body).toMatchObject({ created: false, id: first.body.id });
      expect(await tableCount(`credit_record WHERE document_no = '叶民罚决字〔2026〕2号'`)).toBe(1);
    });

    it('refuses a different record under an existing document number with 409, naming the differences', async () => {
      await http().post('/api/records').set(provider()).send(recordBody('叶民罚决字〔2026〕3号')).expect(201);
      const res = await http()
        .post('/api/records')
        .set(provider())
        .send(recordBody('叶民罚决字〔2026〕3号', { content: '罚款 1000 元' }))
        .expect(409);
      expect(res.body).toMatchObject({
        code: 'RECORD_DOCUMENT_CONFLICT',
        details: { differingFields: ['content'] },
      });
    });

    it('allows the same document number in another department', async () => {
      await http()
        .post('/api/records')
        .set(provider('叶县市场监督管理局'))
        .send(recordBody('叶民罚决字〔2026〕3号'))
        .expect(201);
    });

    it('rejects records for unknown subjects (404), bad subject codes and inconsistent dates (400), writing nothing', async () => {
      const before = await tableCount('credit_record');
      await http()
        .post('/api/records')
        .set(provider())
        .send(recordBody('X-1', { subjectCode: uscc('91410422MA0000888') }))
        .expect(404)
        .expect((r) => expect(r.body.code).toBe('SUBJECT_NOT_FOUND'));
      await http()
        .post('/api/records')
        .set(provider())
        .send(recordBody('X-2', { subjectCode: ORG.slice(0, 17) + (ORG[17] === '0' ? '1' : '0') }))
        .expect(400)
        .expect((r) => expect(r.body.code).toBe('SUBJECT_CODE_INVALID'));
      const dates = await http()
        .post('/api/records')
        .set(provider())
        .send(recordBody('X-3', { publicityMaxEnd: day(10), publicityMinEnd: day(20) }))
        .expect(400);
      expect(dates.body).toMatchObject({
        code: 'RECORD_FIELDS_INVALID',
        message: expect.stringContaining('最长公示截止日期'),
      });
      await http()
        .post('/api/records')
        .set(provider())
        .send(recordBody('X-3b', { publicityStart: day(-20) }))
        .expect(400)
        .expect((r) => expect(r.body.message).toContain('公示起始日期早于决定日期'));
      await http()
        .post('/api/records')
        .set(provider())
        .send(recordBody('X-4', { decisionDate: '2026-02-30' }))
        .expect(400);
      await http()
        .post('/api/records')
        .set(provider())
        .send(recordBody('X-5', { kind: 'rumour' }))
        .expect(400)
        .expect((r) => expect(r.body.code).toBe('VALIDATION_FAILED'));
      expect(await tableCount('credit_record')).toBe(before);
    });

    it('lets only providers with a department claim register records', async () => {
      await http().post('/api/records').set(caseworker()).send(recordBody('X-6')).expect(403);
      const res = await http()
        .post('/api/records')
        .set(api.auth(['provider']))
        .send(recordBody('X-6'))
        .expect(403);
      expect(res.body.code).toBe('AUTH_DEPARTMENT_REQUIRED');
    });

    it('shows the subject’s ID number to the record’s provider and masks it for a caseworker', async () => {
      const personRecord = await http()
        .post('/api/records')
        .set(provider())
        .send(recordBody('叶民罚决字〔2026〕9号', { subjectCode: REP }))
        .expect(201);
      expect(personRecord.body.subject.code).toBe(REP);
      const asCaseworker = await http()
        .get(`/api/records/${personRecord.body.id}`)
        .set(caseworker())
        .expect(200);
      expect(asCaseworker.body.subject).toMatchObject({
        code: `${REP.slice(0, 6)}********${REP.slice(14)}`,
        masked: true,
      });
      const otherProvider = await http()
        .get(`/api/records/${personRecord.body.id}`)
        .set(provider('叶县市场监督管理局'))
        .expect(200);
      expect(otherProvider.body.subject.masked).toBe(true);
      const subjectAsProvider = await http().get(`/api/subjects/${REP}`).set(provider()).expect(200);
      expect(subjectAsProvider.body.code).toBe(REP);
    });

    it('lists records by subject and status', async () => {
      const res = await http().get(`/api/records?subject=${ORG}&status=active`).set(supervisor()).expect(200);
      expect(res.body.items.length).toBeGreaterThanOrEqual(3);
      for (const r of res.body.items) expect(r).toMatchObject({ status: 'active', subject: { code: ORG } });
    });

    it('answers 404 RECORD_NOT_FOUND for an unknown id and 400 for a malformed one', async () => {
      await http()
        .get('/api/records/7d8f4c1e-2f5b-4c8e-9a1e-0b8e4d2c1a90')
        .set(caseworker())
        .expect(404)
        .expect((r) => expect(r.body.code).toBe('RECORD_NOT_FOUND'));
      await http().get('/api/records/not-a-uuid').set(caseworker()).expect(400);
    });
  });

  describe('record lifecycle', () => {
    const newRecord = async (documentNo: string, extra: Record<string, unknown> = {}) =>
      (await http().post('/api/records').set(provider()).send(recordBody(documentNo, extra)).expect(201)).body
        .id as string;
    const act = (id: string, who: { Authorization: string }) =>
      http().post(`/api/records/${id}/transitions`).set(who);

    it('marks disputed and resolves back, appending who, when and why for each step', async () => {
      const id = await newRecord('LC-1');
      await act(id, caseworker())
        .send({ action: 'dispute', reason: '申请人提出异议', caseRef: 'YY-2026-001' })
        .expect(200)
        .expect((r) =>
          expect(r.body).toMatchObject({ changed: true, status: 'disputed', statusName: '异议处理中' }),
        );
      await act(id, supervisor())
        .send({ action: 'resolve-dispute', reason: '经核实信息无误，维持原记录', caseRef: 'YY-2026-001' })
        .expect(200)
        .expect((r) => expect(r.body.status).toBe('active'));
      const events = await http().get(`/api/records/${id}/events`).set(caseworker()).expect(200);
      expect(
        events.body.items.map(
          (e: { action: string; fromStatus: string; toStatus: string; reason: string; caseRef: string }) => [
            e.action,
            e.fromStatus,
            e.toStatus,
            e.caseRef,
          ],
        ),
      ).toEqual([
        ['register', null, 'active', null],
        ['dispute', 'active', 'disputed', 'YY-2026-001'],
        ['resolve-dispute', 'disputed', 'active', 'YY-2026-001'],
      ]);
      expect(events.body.items[1]).toMatchObject({
        reason: '申请人提出异议',
        actor: expect.any(String),
        at: expect.any(String),
      });
      await expect(api.dataSource.query(`UPDATE credit_record_event SET reason = 'x'`)).rejects.toThrow(
        /append-only/,
      );
    });

    it('corrects a disputed record: new values, before/after in the event, outbox row in the same transaction', async () => {
      const id = await newRecord('LC-2');
      await act(id, caseworker()).send({ action: 'dispute', reason: '异议', caseRef: 'YY-2' }).expect(200);
      const res = await act(id, provider())
        .send({
          action: 'correct',
          reason: '处罚内容记载有误',
          caseRef: 'YY-2',
          changes: { content: '给予警告（已更正）' },
        })
        .expect(200);
      expect(res.body).toMatchObject({ status: 'corrected', content: '给予警告（已更正）', version: 3 });
      const events = await http().get(`/api/records/${id}/events`).set(caseworker()).expect(200);
      expect(events.body.items[2].detail).toEqual({
        before: { content: '给予警告' },
        after: { content: '给予警告（已更正）' },
      });
      const outbox = await api.dataSource.getRepository(PlatformOutbox).findBy({ aggregateId: id });
      expect(outbox).toEqual([
        expect.objectContaining({
          eventType: 'record.corrected',
          status: 'pending',
          payload: expect.objectContaining({
            documentNo: 'LC-2',
            status: 'corrected',
            changes: { content: '给予警告（已更正）' },
          }),
        }),
      ]);
    });

    it('refuses transitions the lifecycle does not allow with 422, changing nothing', async () => {
      const id = await newRecord('LC-3');
      await act(id, provider()).send({ action: 'revoke', reason: '原处罚决定已被撤销' }).expect(200);
      const res = await act(id, caseworker()).send({ action: 'dispute', reason: '异议' }).expect(422);
      expect(res.body).toMatchObject({
        code: 'RECORD_TRANSITION_NOT_ALLOWED',
        message: expect.stringContaining('已撤销'),
        details: { status: 'revoked', action: 'dispute', allowedFrom: ['active', 'corrected'] },
      });
      await act(id, provider()).send({ action: 'repair', reason: '修复' }).expect(422);
      const record = await api.dataSource.getRepository(CreditRecord).findOneByOrFail({ id });
      expect(record).toMatchObject({ status: 'revoked', version: 2 });
      expect(await api.dataSource.getRepository(PlatformOutbox).countBy({ aggregateId: id })).toBe(1);
    });

    it('keeps content changes with the providing department (403 for another department or a caseworker)', async () => {
      const id = await newRecord('LC-4');
      const other = await act(id, provider('叶县市场监督管理局'))
        .send({ action: 'revoke', reason: '撤销' })
        .expect(403);
      expect(other.body).toMatchObject({
        code: 'RECORD_OTHER_DEPARTMENT',
        message: expect.stringContaining('叶县民政局'),
      });
      await act(id, caseworker())
        .send({ action: 'correct', reason: '更正', changes: { title: 'x' } })
        .expect(403)
        .expect((r) => expect(r.body.code).toBe('AUTH_FORBIDDEN_ROLE'));
      await act(id, provider()).send({ action: 'dispute', reason: '异议' }).expect(403);
      expect((await api.dataSource.getRepository(CreditRecord).findOneByOrFail({ id })).status).toBe(
        'active',
      );
    });

    it('rejects empty corrections, unknown fields, missing reasons and unknown actions with 400', async () => {
      const id = await newRecord('LC-5');
      const send = (body: Record<string, unknown>) => act(id, provider()).send(body).expect(400);
      expect((await send({ action: 'correct', reason: '更正', changes: {} })).body.code).toBe(
        'RECORD_CORRECTION_EMPTY',
      );
      expect(
        (await send({ action: 'correct', reason: '更正', changes: { content: '给予警告' } })).body.code,
      ).toBe('RECORD_CORRECTION_EMPTY');
      expect(
        (await send({ action: 'correct', reason: '更正', changes: { department: 'x' } })).body.code,
      ).toBe('RECORD_CORRECTION_FIELD_UNKNOWN');
      expect((await send({ action: 'correct', reason: '更正', changes: { title: 5 } })).body.code).toBe(
        'RECORD_FIELDS_INVALID',
      );
      expect((await send({ action: 'revoke', reason: '' })).body.code).toBe('VALIDATION_FAILED');
      expect((await send({ action: 'revoke', reason: '撤销', changes: { title: 'x' } })).body.code).toBe(
        'RECORD_CHANGES_ONLY_FOR_CORRECT',
      );
      expect((await send({ action: 'erase', reason: 'x' })).body.code).toBe('VALIDATION_FAILED');
      expect(await api.dataSource.getRepository(PlatformOutbox).countBy({ aggregateId: id })).toBe(0);
    });

    it('repairs, expires and deletes through the outbox; hides and unhides without it', async () => {
      const repaired = await newRecord('LC-6');
      await act(repaired, provider()).send({ action: 'repair', reason: '已完成信用修复' }).expect(200);
      const expired = await newRecord('LC-7');
      await act(expired, provider()).send({ action: 'hide', reason: '异议期间暂停公示' }).expect(200);
      await act(expired, supervisor()).send({ action: 'unhide', reason: '恢复公示' }).expect(200);
      await act(expired, api.auth(['admin']))
        .send({ action: 'expire', reason: '公示期满' })
        .expect(200);
      await act(expired, api.auth(['admin']))
        .send({ action: 'delete', reason: '保存期满删除' })
        .expect(200);
      const types = async (id: string) =>
        (
          await api.dataSource
            .getRepository(PlatformOutbox)
            .find({ where: { aggregateId: id }, order: { id: 'ASC' } })
        ).map((o) => o.eventType);
      const deleted = await http().get(`/api/records/${expired}`).set(supervisor()).expect(200);
      expect(deleted.body).toMatchObject({
        status: 'deleted',
        title: '（已按保存期限删除）',
        content: '（已按保存期限删除）',
      });
      const history = JSON.stringify(
        (await http().get(`/api/records/${expired}/events`).set(supervisor())).body,
      );
      expect(history).not.toContain('未按规定报送年度工作报告');
      expect(await types(repaired)).toEqual(['record.repaired']);
      expect(await types(expired)).toEqual(['record.expired', 'record.deleted']);
    });
  });

  describe('public view', () => {
    it('shows only published, unhidden, unexpired records, flags disputed ones, masks persons, needs no token', async () => {
      const subject = uscc('52410422MJ0000301');
      await registerOrg(subject, '叶县公示测试协会').expect(201);
      const make = async (documentNo: string, extra: Record<string, unknown>) =>
        (
          await http()
            .post('/api/records')
            .set(provider())
            .send(recordBody(documentNo, { subjectCode: subject, ...extra }))
            .expect(201)
        ).body.id as string;
      const shown = await make('PV-1', {});
      const disputed = await make('PV-2', {});
      const hidden = await make('PV-3', {});
      await make('PV-4', { publicityStart: null, publicityMinEnd: null, publicityMaxEnd: null }); // not published
      await make('PV-5', { publicityStart: day(3), publicityMinEnd: null, publicityMaxEnd: null }); // not yet
      await make('PV-6', {
        decisionDate: day(-400),
        publicityStart: day(-399),
        publicityMinEnd: null,
        publicityMaxEnd: day(-1),
      }); // over
      const revoked = await make('PV-7', {});
      const post = (id: string, who: { Authorization: string }, body: object) =>
        http().post(`/api/records/${id}/transitions`).set(who).send(body).expect(200);
      await post(disputed, caseworker(), { action: 'dispute', reason: '异议' });
      await post(hidden, provider(), { action: 'hide', reason: '暂停公示' });
      await post(revoked, provider(), { action: 'revoke', reason: '撤销' });

      const res = await http().get(`/api/public/subjects/${subject}/records`).expect(200);
      expect(res.body.subject).toMatchObject({ code: subject, name: '叶县公示测试协会' });
      const byDoc = Object.fromEntries(
        res.body.records.map((r: { documentNo: string; disputed: boolean }) => [r.documentNo, r.disputed]),
      );
      expect(byDoc).toEqual({ 'PV-1': false, 'PV-2': true });
      expect(res.body.records[0]).not.toHaveProperty('registeredBy');
      expect(res.body.records.map((r: { id: string }) => r.id)).toContain(shown);

      const personRecord = await http().get(`/api/public/subjects/${REP}/records`).expect(200);
      expect(personRecord.body.subject).toMatchObject({
        code: `${REP.slice(0, 6)}********${REP.slice(14)}`,
        masked: true,
      });
      await http().get('/api/public/subjects/123/records').expect(400);
    });
  });

  it('documents the registry endpoints in OpenAPI', async () => {
    const res = await http().get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/subjects',
        '/api/subjects/{code}',
        '/api/records',
        '/api/records/{id}',
        '/api/records/{id}/events',
        '/api/records/{id}/transitions',
        '/api/public/subjects/{code}/records',
      ]),
    );
  });
});
