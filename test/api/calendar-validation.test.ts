import request from 'supertest';
import { startTestApi, TestApi } from '../support/api';

/** The calendar API on the zod stack: the one 400 shape, and the schemas in the OpenAPI document. */
describe('calendar API validation', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());
  const http = () => request(api.app.getHttpServer());
  const caseworker = () => api.auth(['caseworker']);
  const admin = () => api.auth(['admin'], { sub: 'admin.li' });

  it('refuses a deadline query field by field: an instant without offset, a negative count, an unknown parameter', async () => {
    const res = await http()
      .get('/api/calendar/deadline')
      .query({ from: '2026-09-30T09:00:00', workingDays: -1, region: 'yexian' })
      .set(caseworker())
      .expect(400);
    expect(res.body).toEqual({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^提交的内容有误：/),
      details: {
        fields: [
          {
            field: 'from',
            code: 'invalid_string',
            message: 'from：时间格式应为 ISO 8601，带时区，如 2026-03-02T09:00:00+08:00',
          },
          { field: 'workingDays', code: 'too_small', message: 'workingDays：不能小于 0' },
          { field: 'region', code: 'unrecognized_keys', message: 'region：是不允许的字段' },
        ],
      },
    });
    const missing = await http().get('/api/calendar/deadline').query({ workingDays: 3 }).set(caseworker());
    expect(missing.status).toBe(400);
    expect(missing.body.details.fields).toEqual([
      { field: 'from', code: 'invalid_type', message: 'from：必须填写' },
    ]);
  });

  it('reads the count from the query string as a number and answers the deadline', async () => {
    const res = await http()
      .get('/api/calendar/deadline')
      .query({ from: '2025-09-30T09:00:00+08:00', workingDays: '5' })
      .set(caseworker())
      .expect(200);
    expect(res.body).toMatchObject({ workingDays: 5, due: '2025-10-14T15:59:59.999Z', jurisdiction: null });
  });

  it('refuses a year that is not a number with the same shape, and one out of range with its own code', async () => {
    const res = await http().get('/api/calendar/twenty').set(caseworker()).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields).toEqual([
      { field: 'year', code: 'invalid_string', message: 'year：应为年份（整数），如 2026' },
    ]);
    const old = await http().get('/api/calendar/1800').set(caseworker()).expect(400);
    expect(old.body).toMatchObject({ code: 'CALENDAR_YEAR_OUT_OF_RANGE' });
  });

  it('refuses a malformed declaration before the calendar sees it, and stores nothing', async () => {
    const res = await http()
      .put('/api/calendar/2029')
      .set(admin())
      .send({ holidays: '2029-01-01', reason: ' x ', source: 'admin' })
      .expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields).toEqual([
      { field: 'holidays', code: 'invalid_type', message: 'holidays：应为列表（数组）' },
      { field: 'makeupWorkdays', code: 'invalid_type', message: 'makeupWorkdays：必须填写' },
      { field: 'reason', code: 'too_small', message: 'reason：至少 2 个字符' },
      { field: 'source', code: 'unrecognized_keys', message: 'source：是不允许的字段' },
    ]);
    const year = await http().get('/api/calendar/2029').set(caseworker()).expect(200);
    expect(year.body).toMatchObject({ published: false, history: [] });
  });

  it('documents the deadline parameters and the declaration body with the schemas they are validated with', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    const params = doc.paths['/api/calendar/deadline'].get.parameters;
    const param = (name: string) => params.find((p: { name: string }) => p.name === name);
    expect(param('from')).toMatchObject({
      in: 'query',
      required: true,
      schema: { type: 'string', format: 'date-time' },
    });
    expect(param('workingDays')).toMatchObject({
      in: 'query',
      required: true,
      schema: { type: 'integer', minimum: 0, maximum: 1000 },
    });
    expect(param('jurisdiction')).toMatchObject({ in: 'query', required: false });

    const body = doc.paths['/api/calendar/{year}'].put.requestBody.content['application/json'];
    expect(body.examples).toBeDefined();
    const schema = doc.components.schemas[body.schema.$ref.replace('#/components/schemas/', '')];
    expect(schema.required).toEqual(['holidays', 'makeupWorkdays', 'reason']);
    expect(schema.properties.holidays).toMatchObject({ type: 'array', maxItems: 200 });
    expect(schema.properties.reason).toMatchObject({ type: 'string', minLength: 2, maxLength: 500 });
  });
});
