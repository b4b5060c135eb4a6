import request from 'supertest';
import { startTestApi, TestApi } from '../support/api';

/** What every malformed request gets back: one shape, one code, Chinese messages naming the field. */
const refused = (fields: { field: string; code: string; message: string }[]) => ({
  code: 'VALIDATION_FAILED',
  message: `提交的内容有误：${fields.map((f) => f.message).join('；')}`,
  details: { fields },
});

describe('API validation: one 400 shape and the request schemas in the OpenAPI document', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());
  const http = () => request(api.app.getHttpServer());
  const caseworker = () => api.auth(['caseworker'], { department: '叶县民政局行政审批股' });

  it('refuses a registry body naming each field: missing, too long, not allowed, unknown value', async () => {
    const res = await http()
      .post('/api/subjects')
      .set(caseworker())
      .send({ kind: 'robot', code: '9'.repeat(41), admin: true })
      .expect(400);
    expect(res.body).toEqual(
      refused([
        {
          field: 'kind',
          code: 'invalid_enum_value',
          message: 'kind：不是允许的取值（可选：legal-person、other-organisation、natural-person）',
        },
        { field: 'code', code: 'too_big', message: 'code：不能超过 40 个字符' },
        { field: 'name', code: 'invalid_type', message: 'name：必须填写' },
        { field: 'admin', code: 'unrecognized_keys', message: 'admin：是不允许的字段' },
      ]),
    );
  });

  it('says which date format a registry record expects, and refuses a day that does not exist', async () => {
    const res = await http()
      .post('/api/records')
      .set(api.auth(['provider'], { department: '叶县民政局' }))
      .send({
        subjectCode: '52410422MJ0000011T',
        kind: 'administrative-penalty',
        documentNo: '叶民罚决字〔2026〕3号',
        decisionDate: '2026/03/02',
        publicityStart: '2026-02-30',
        title: '未按规定报送年度工作报告',
        content: '给予警告',
      })
      .expect(400);
    expect(res.body.details.fields).toEqual([
      { field: 'decisionDate', code: 'invalid_string', message: 'decisionDate：日期格式应为 YYYY-MM-DD' },
      {
        field: 'publicityStart',
        code: 'invalid_date',
        message: 'publicityStart：不是实际存在的日期（格式 YYYY-MM-DD）',
      },
    ]);
  });

  it('refuses a registry query parameter above its maximum, saying the maximum', async () => {
    const res = await http().get('/api/subjects').query({ limit: 501 }).set(caseworker()).expect(400);
    expect(res.body).toEqual(refused([{ field: 'limit', code: 'too_big', message: 'limit：不能大于 500' }]));
    const notNumber = await http().get('/api/records').query({ limit: 'ten' }).set(caseworker()).expect(400);
    expect(notNumber.body.details.fields).toEqual([
      { field: 'limit', code: 'invalid_type', message: 'limit：应为数字' },
    ]);
  });

  it('refuses a policies body: the date format, the minimum length, an object expected', async () => {
    const res = await http()
      .post('/api/policies/yexian-mz/versions')
      .set(api.auth(['admin']))
      .send({ effectiveFrom: 'next year', reason: 'x', document: [] })
      .expect(400);
    expect(res.body).toEqual(
      refused([
        {
          field: 'effectiveFrom',
          code: 'invalid_date_or_instant',
          message:
            'effectiveFrom：应为日期 YYYY-MM-DD 或带时区的 ISO 8601 时间，如 2026-03-02T09:00:00+08:00',
        },
        { field: 'reason', code: 'too_small', message: 'reason：至少 2 个字符' },
        { field: 'document', code: 'invalid_type', message: 'document：应为对象' },
      ]),
    );
  });

  it('refuses an objections body before anything is registered, naming nested fields', async () => {
    const res = await http()
      .post('/api/objections')
      .set(caseworker())
      .set('Idempotency-Key', 'validation-shape-1')
      .send({
        // A valid credit code (check character U): only the fields below are wrong.
        applicant: { name: '张三', contact: '13800000000', subjectCode: '52410422MJ0000011U' },
        channel: 'window',
        recordId: 'not-a-uuid',
        grounds: ['facts-wrong'],
        attachments: [{ ref: 'DOC-1', name: '   ' }],
      })
      .expect(400);
    expect(res.body).toEqual(
      refused([
        {
          field: 'recordId',
          code: 'invalid_string',
          message: 'recordId：格式应为 UUID，如 3f1c7a52-8d4e-4b7a-9c1e-2a6b5d4e3f21',
        },
        { field: 'groundsText', code: 'invalid_type', message: 'groundsText：必须填写' },
        { field: 'attachments[0].name', code: 'too_small', message: 'attachments[0].name：必须填写' },
      ]),
    );
  });

  it('refuses a calendar query parameter above its maximum with the same shape and zod’s code', async () => {
    const res = await http()
      .get('/api/calendar/deadline')
      .query({ from: '2026-09-30T09:00:00+08:00', workingDays: 1001 })
      .set(caseworker())
      .expect(400);
    expect(res.body).toEqual(
      refused([{ field: 'workingDays', code: 'too_big', message: 'workingDays：不能大于 1000' }]),
    );
  });

  it('documents request bodies and query parameters with the schemas they are validated with', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    const bodySchema = (path: string) => {
      const ref: string = doc.paths[path].post.requestBody.content['application/json'].schema.$ref;
      return doc.components.schemas[ref.replace('#/components/schemas/', '')];
    };

    const subject = bodySchema('/api/subjects');
    expect(subject.required).toEqual(['kind', 'code', 'name']);
    expect(subject.properties.kind.enum).toEqual(['legal-person', 'other-organisation', 'natural-person']);
    expect(subject.properties.name).toMatchObject({ type: 'string', maxLength: 200 });
    expect(subject.properties.persons.items.required).toEqual(['role', 'code', 'name']);
    expect(bodySchema('/api/records').properties.decisionDate.pattern).toBe('^\\d{4}-\\d{2}-\\d{2}$');

    const objection = bodySchema('/api/objections');
    expect(Object.keys(objection.properties)).toEqual([
      'applicant',
      'channel',
      'recordId',
      'grounds',
      'groundsText',
      'attachments',
    ]);
    expect(objection.properties.recordId).toMatchObject({ type: 'string', format: 'uuid' });
    expect(objection.properties.applicant.required).toEqual(['name', 'contact', 'subjectCode']);
    expect(doc.paths['/api/objections'].post.requestBody.content['application/json'].examples).toBeDefined();

    const limit = doc.paths['/api/subjects'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', maximum: 500 } });
    const by = doc.paths['/api/objections/counts'].get.parameters.find(
      (p: { name: string }) => p.name === 'by',
    );
    expect(by).toMatchObject({
      in: 'query',
      required: true,
      schema: { enum: ['status', 'department', 'step', 'overdue'] },
    });
  });
});
