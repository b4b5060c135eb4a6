import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { z } from 'zod';
import { describeIssue } from '../../apps/api/common/validation';
import { ObjectionCase } from '../../infra/database/entities';
import { CreditRecord } from '../../infra/database/entities/registry';
import { residentIdCheckCharacter, usccCheckCharacter } from '../../workflows/registry/identifiers';
import { startTestApi, TestApi } from '../support/api';
import { actors, JURISDICTION, OFFICE, type ObjectionStack } from './objections-support';

/**
 * What a caseworker reads when the API refuses: Chinese that says what is expected (the format,
 * the maximum, which identifier is wrong), the status a refusal of its kind has, no "已已".
 * Without Temporal: every refusal here comes before a workflow is asked.
 */
describe('API messages: what is expected, in Chinese', () => {
  let api: TestApi;
  let a: ReturnType<typeof actors>;
  beforeAll(async () => {
    api = await startTestApi();
    const stack = { api, http: () => request(api.app.getHttpServer()) } as unknown as ObjectionStack;
    a = actors(stack);
  });
  afterAll(() => api.close());
  const http = () => request(api.app.getHttpServer());
  const admin = () => api.auth(['admin']);

  /** A 18-character code with a wrong check character: the right one, shifted in the alphabet. */
  const wrongCheck = (first17: string, right: string, alphabet: string) =>
    first17 + alphabet[(alphabet.indexOf(right) + 1) % alphabet.length];
  const USCC_17 = '52410422MJ0000011';
  const badUscc = wrongCheck(USCC_17, usccCheckCharacter(USCC_17), '0123456789ABCDEFGHJKLMNPQRTUWXY');
  const ID_17 = '41042219800101123';
  const badResidentId = wrongCheck(ID_17, residentIdCheckCharacter(ID_17), '0123456789X');

  const objectionBody = (subjectCode: string, recordId: string = randomUUID()) => ({
    applicant: { name: '张三', contact: '13800000000', subjectCode },
    channel: 'window',
    recordId,
    grounds: ['facts-wrong'],
    groundsText: '已按期报送年度工作报告',
    attachments: [],
  });
  const fieldsOf = (body: { details?: { fields?: { field: string; code: string; message: string }[] } }) =>
    body.details?.fields ?? [];

  describe('subject codes', () => {
    it('an objection whose subject code has a wrong check character is refused on the field, saying so, and nothing is stored', async () => {
      const res = await http()
        .post('/api/objections')
        .set(a.caseworker())
        .set('Idempotency-Key', `messages-${randomUUID()}`)
        .send(objectionBody(badUscc))
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual([
        {
          field: 'applicant.subjectCode',
          code: 'invalid_subject_code',
          message: 'applicant.subjectCode：统一社会信用代码校验位不正确，请核对是否录入有误',
        },
      ]);
      expect(res.body.code).not.toBe('OBJECTION_SUBJECT_MISMATCH');
      expect(await api.dataSource.getRepository(ObjectionCase).count()).toBe(0);
    });

    it('names the identifier it took the code for, or the length it expects', async () => {
      const send = (subjectCode: string) =>
        http()
          .post('/api/objections')
          .set(a.caseworker())
          .set('Idempotency-Key', `messages-${randomUUID()}`)
          .send(objectionBody(subjectCode))
          .expect(400)
          .then((r) => fieldsOf(r.body).map((f) => f.message));
      expect(await send(badResidentId)).toEqual([
        'applicant.subjectCode：居民身份证号码校验位不正确，请核对是否录入有误',
      ]);
      expect(await send('5241042')).toEqual([
        'applicant.subjectCode：应为 18 位的统一社会信用代码或居民身份证号码（现为 7 位）',
      ]);
      expect(await send('52410422MJ000001IO')).toEqual([
        'applicant.subjectCode：统一社会信用代码应由 18 位数字或大写字母组成（不使用 I、O、S、V、Z），第 3–8 位为行政区划代码',
      ]);
    });

    it('the commitments use the same field and the same words', async () => {
      const res = await http()
        .post('/api/commitments')
        .set(api.auth(['caseworker'], { department: OFFICE, jurisdiction: JURISDICTION }))
        .set('Idempotency-Key', `messages-${randomUUID()}`)
        .send({
          kind: 'voluntary',
          subjectCode: badUscc,
          signer: { name: '李四', capacity: '法定代表人', contact: '13900000001' },
          matter: '养老机构备案',
        })
        .expect(400);
      expect(fieldsOf(res.body)).toContainEqual({
        field: 'subjectCode',
        code: 'invalid_subject_code',
        message: 'subjectCode：统一社会信用代码校验位不正确，请核对是否录入有误',
      });
    });
  });

  describe('limits and formats', () => {
    it('says the maximum and the minimum a number may take', async () => {
      const res = await http()
        .get('/api/objections')
        .query({ page: 0, pageSize: 1000 })
        .set(a.supervisor())
        .expect(400);
      expect(fieldsOf(res.body).map((f) => f.message)).toEqual([
        'page：不能小于 1',
        'pageSize：不能大于 200',
      ]);
      const deadline = await http()
        .get('/api/calendar/deadline')
        .query({ from: '2026-03-02T09:00:00+08:00', workingDays: 5000 })
        .set(admin())
        .expect(400);
      expect(fieldsOf(deadline.body).map((f) => f.message)).toEqual(['workingDays：不能大于 1000']);
    });

    it('says a missing field is required, and which format a date, an instant and a UUID take', async () => {
      const res = await http()
        .post('/api/objections')
        .set(a.caseworker())
        .set('Idempotency-Key', `messages-${randomUUID()}`)
        .send({
          ...objectionBody(badUscc, 'not-a-uuid'),
          applicant: { name: '张三', contact: '13800000000' },
        })
        .expect(400);
      expect(fieldsOf(res.body).map((f) => f.message)).toEqual([
        'applicant.subjectCode：必须填写',
        'recordId：格式应为 UUID，如 3f1c7a52-8d4e-4b7a-9c1e-2a6b5d4e3f21',
      ]);
      const instant = await http()
        .get('/api/calendar/deadline')
        .query({ from: '2026-03-02', workingDays: 5 })
        .set(admin())
        .expect(400);
      expect(fieldsOf(instant.body).map((f) => f.message)).toEqual([
        'from：时间格式应为 ISO 8601，带时区，如 2026-03-02T09:00:00+08:00',
      ]);
    });

    it('describes every form a union accepts and what a regex or prefix check expects, never a bare 格式不正确', () => {
      const union = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD'), z.number()]);
      const unionIssue = union.safeParse(true).error!.issues[0];
      expect(describeIssue(unionIssue)).toBe('应符合以下任一要求：应为文本；或应为数字');
      const dated = union.safeParse('2026/03/02').error!.issues[0];
      // A string that fails only the date check is refused by that member (zod reports its issue).
      expect(describeIssue(dated)).toBe('日期格式应为 YYYY-MM-DD');
      const prefixed = z.string().startsWith('XF-').safeParse('AB').error!.issues[0];
      expect(describeIssue(prefixed)).toBe('应以“XF-”开头');
      const bareRegex = z.string().regex(/^a+$/).safeParse('b').error!.issues[0];
      expect(describeIssue(bareRegex)).not.toBe('格式不正确');
    });
  });

  describe('the calendar', () => {
    it('answers a year it cannot reckon with 400 and a Chinese reason, not 500', async () => {
      const year = await http().get('/api/calendar/2150').set(admin()).expect(400);
      expect(year.body).toEqual({
        code: 'CALENDAR_YEAR_OUT_OF_RANGE',
        message: '无法推算 2150 年的法定节假日（支持 1901–2100 年）。',
      });
      const deadline = await http()
        .get('/api/calendar/deadline')
        .query({ from: '2100-12-20T09:00:00+08:00', workingDays: 30 })
        .set(admin())
        .expect(400);
      expect(deadline.body.code).toBe('CALENDAR_YEAR_OUT_OF_RANGE');
      expect(deadline.body.message).toMatch(/^无法推算 2101 年的法定节假日/);
    });
  });

  describe('objections on a record', () => {
    /** An objection case row on the record as the intake stores it, in `status`. */
    async function caseRow(recordId: string, subjectCode: string, status: ObjectionCase['status']) {
      const repo = api.dataSource.getRepository(ObjectionCase);
      return repo.save(
        repo.create({
          id: randomUUID(),
          caseNo: `YEXIAN-MZ-2026-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
          queryCodeHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
          idempotencyKey: `messages-${randomUUID()}`,
          requestHash: 'x'.repeat(64),
          jurisdiction: JURISDICTION,
          policyVersion: 1,
          officeDepartment: OFFICE,
          providerDepartment: '叶县民政局社会组织管理股',
          subjectCode,
          subjectName: '测试社会组织',
          applicantName: '张三',
          applicantContact: '13800000000',
          channel: 'window',
          recordId,
          recordDescription: '行政处罚',
          grounds: ['facts-wrong'],
          groundsText: '理由',
          attachments: [],
          status,
          dueProvisional: false,
          overdue: false,
          escalationLevel: 0,
          revision: 1,
          snapshot: null,
          createdBy: 'cw@叶县民政局',
          receivedAt: new Date(),
          closedAt: status === 'closed' ? new Date() : null,
        } as Partial<ObjectionCase>),
      );
    }

    it('a second objection on a record whose objection runs (the record marked disputed) is 409 OBJECTION_ALREADY_OPEN', async () => {
      const r = await a.record();
      const open = await caseRow(r.recordId, r.subjectCode, 'forwarded');
      await api.dataSource.getRepository(CreditRecord).update({ id: r.recordId }, { status: 'disputed' });
      const res = await http()
        .post('/api/objections')
        .set(a.caseworker())
        .set('Idempotency-Key', `messages-${randomUUID()}`)
        .send(objectionBody(r.subjectCode, r.recordId))
        .expect(409);
      expect(res.body).toEqual({
        code: 'OBJECTION_ALREADY_OPEN',
        message: `该信用记录已有正在办理的异议案件（${open.caseNo}），请勿重复受理。`,
        details: { caseNo: open.caseNo },
      });
    });

    it('an action on an ended case says it has ended without 已已', async () => {
      const r = await a.record();
      const closed = await caseRow(r.recordId, r.subjectCode, 'closed');
      const res = await http()
        .post(`/api/objections/${closed.id}/forward`)
        .set(a.caseworker())
        .send({})
        .expect(409);
      expect(res.body).toEqual({
        code: 'OBJECTION_ENDED',
        message: `异议案件${closed.caseNo}已结束办理（已办结），不能再办理。`,
      });
    });
  });
});
