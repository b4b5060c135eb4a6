import request from 'supertest';
import { POLICY_PRESETS } from '../../workflows/policies';
import { startTestApi, TestApi } from '../support/api';

describe('calendar and policies API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());
  const http = () => request(api.app.getHttpServer());
  const caseworker = () => api.auth(['caseworker']);
  const admin = () => api.auth(['admin'], { sub: 'admin.wang' });

  it('computes a deadline across National Day 2025 from the seeded calendar', async () => {
    const res = await http()
      .get('/api/calendar/deadline')
      .query({ from: '2025-09-30T09:00:00+08:00', workingDays: 5, jurisdiction: 'xinzheng-mz' })
      .set(caseworker())
      .expect(200);
    expect(res.body).toMatchObject({
      due: '2025-10-14T15:59:59.999Z',
      provisional: false,
      jurisdiction: 'xinzheng-mz',
    });
  });

  it('marks a deadline in a year without a published arrangement as provisional', async () => {
    const res = await http()
      .get('/api/calendar/deadline')
      .query({ from: '2026-12-31T10:00:00+08:00', workingDays: 2 })
      .set(caseworker())
      .expect(200);
    expect(res.body).toMatchObject({ due: '2027-01-05T15:59:59.999Z', provisional: true });
  });

  it('refuses bad dates, negative counts and unknown jurisdictions with clear errors', async () => {
    const bad = await http()
      .get('/api/calendar/deadline')
      .query({ from: 'tomorrow', workingDays: -1 })
      .set(caseworker())
      .expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'from',
      'workingDays',
    ]);
    const unknown = await http()
      .get('/api/calendar/deadline')
      .query({ from: '2026-11-23T09:00:00+08:00', workingDays: 1, jurisdiction: 'atlantis' })
      .set(caseworker())
      .expect(404);
    expect(unknown.body).toMatchObject({
      code: 'JURISDICTION_NOT_FOUND',
      message: expect.stringMatching(
        /^未知的辖区：atlantis。已有政策的辖区：.*ningjin.*GET \/api\/jurisdictions/,
      ),
      details: { jurisdiction: 'atlantis', jurisdictions: expect.arrayContaining(['ningjin', 'yexian-mz']) },
    });
    await http()
      .get('/api/calendar/deadline')
      .query({ from: '2026-11-23T09:00:00+08:00', workingDays: 1 })
      .expect(401);
  });

  it("returns a year's arrangement with its source and history", async () => {
    const res = await http().get('/api/calendar/2026').set(caseworker()).expect(200);
    expect(res.body).toMatchObject({
      year: 2026,
      published: true,
      version: 1,
      source: expect.stringMatching(/^chinese-days@/),
    });
    expect(res.body.holidays).toContain('2026-10-01');
    expect(res.body.makeupWorkdays).toContain('2026-02-14');
    const provisional = await http().get('/api/calendar/2027').set(caseworker()).expect(200);
    expect(provisional.body).toMatchObject({ published: false, makeupWorkdays: [], history: [] });
    await http().get('/api/calendar/1800').set(caseworker()).expect(400);
  });

  it('lets an admin declare 2027 when it is published, which moves deadlines and is kept as a version', async () => {
    const declaration = {
      holidays: [
        '2027-01-01',
        '2027-02-05',
        '2027-02-06',
        '2027-02-07',
        '2027-02-08',
        '2027-02-09',
        '2027-02-10',
        '2027-02-11',
      ],
      makeupWorkdays: ['2027-02-20'],
      reason: '国务院办公厅关于2027年部分节假日安排的通知（测试）',
    };
    await http().put('/api/calendar/2027').set(caseworker()).send(declaration).expect(403);
    const res = await http().put('/api/calendar/2027').set(admin()).send(declaration).expect(200);
    expect(res.body).toMatchObject({ year: 2027, version: 1, published: true, source: 'admin' });

    const due = await http()
      .get('/api/calendar/deadline')
      .query({ from: '2027-02-04T10:00:00+08:00', workingDays: 3 })
      .set(caseworker())
      .expect(200);
    // 02-05..02-11 off, 02-12 (Fri), 02-15 (Mon), 02-16 (Tue)
    expect(due.body).toMatchObject({ due: '2027-02-16T15:59:59.999Z', provisional: false });

    await http()
      .put('/api/calendar/2027')
      .set(admin())
      .send({ ...declaration, makeupWorkdays: [], reason: '更正：取消调休' })
      .expect(200);
    const year = await http().get('/api/calendar/2027').set(caseworker()).expect(200);
    expect(year.body.version).toBe(2);
    expect(
      year.body.history.map((h: { version: number; createdBy: string }) => [h.version, h.createdBy]),
    ).toEqual([
      [2, 'admin.wang'],
      [1, 'admin.wang'],
    ]);
  });

  it('refuses an inconsistent declaration with field-level messages and changes nothing', async () => {
    const res = await http()
      .put('/api/calendar/2028')
      .set(admin())
      .send({ holidays: ['2028-02-30', '2029-01-01'], makeupWorkdays: ['2028-03-01'], reason: '测试' })
      .expect(400);
    expect(res.body.code).toBe('CALENDAR_INVALID');
    expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual([
      'holidays[0]',
      'holidays[1]',
      'makeupWorkdays[0]',
    ]);
    const year = await http().get('/api/calendar/2028').set(caseworker()).expect(200);
    expect(year.body).toMatchObject({ published: false, history: [] });
  });

  it('lists every preset jurisdiction with the version in force today', async () => {
    const res = await http().get('/api/policies').set(caseworker()).expect(200);
    const ids = res.body.items.map((i: { jurisdiction: string }) => i.jurisdiction);
    expect(ids).toEqual(
      expect.arrayContaining([
        'national',
        'yexian-mz',
        'jiaxian-sl',
        'ningjin',
        'xinzheng-mz',
        'yongchang',
        'shanghai',
      ]),
    );
    const national = await http().get('/api/policies/national').set(caseworker()).expect(200);
    expect(national.body.current.version).toBe(2); // NDRC Order 36 tiers from 2026-04-01
    expect(national.body.versions).toHaveLength(2);
    const xinzheng = await http().get('/api/policies/xinzheng-mz').set(caseworker()).expect(200);
    expect(xinzheng.body.current.document.objection).toMatchObject({
      forward: { value: 5, unit: 'working-days' },
      verify: { value: 5, unit: 'working-days' },
      notify: { value: 2, unit: 'working-days' },
      total: { value: 12, unit: 'working-days' },
      suspension: 'none',
    });
    await http().get('/api/policies/atlantis').set(caseworker()).expect(404);
  });

  it('lets an admin add a policy version and refuses invalid policy data field by field', async () => {
    const base = POLICY_PRESETS.find((p) => p.jurisdiction === 'yexian-mz')!.document;
    const invalid = {
      ...base,
      objection: { ...base.objection, verify: { value: -3, unit: 'weeks' }, suspension: 'maybe' },
      sources: [],
    };
    const refused = await http()
      .post('/api/policies/yexian-mz/versions')
      .set(admin())
      .send({ effectiveFrom: '2027-01-01', reason: '测试', document: invalid })
      .expect(400);
    expect(refused.body.code).toBe('POLICY_INVALID');
    expect(refused.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'document.objection.suspension',
      'document.objection.verify.unit',
      'document.objection.verify.value',
      'document.sources',
    ]);
    await http()
      .post('/api/policies/yexian-mz/versions')
      .set(caseworker())
      .send({ effectiveFrom: '2027-01-01', reason: '测试', document: base })
      .expect(403);
    const added = await http()
      .post('/api/policies/yexian-mz/versions')
      .set(admin())
      .send({
        effectiveFrom: '2027-01-01',
        reason: '叶民文〔2026〕X号',
        document: { ...base, objection: { ...base.objection, verify: { value: 3, unit: 'working-days' } } },
      })
      .expect(201);
    // Two preset versions per jurisdiction (527号 tiers, then Order 36 tiers from 2026-04-01).
    expect(added.body).toMatchObject({ jurisdiction: 'yexian-mz', version: 3, effectiveFrom: '2027-01-01' });
    const now = await http().get('/api/policies/yexian-mz').set(caseworker()).expect(200);
    expect(now.body.current.version).toBe(2); // the new version is not in force before 2027-01-01
    expect(now.body.versions).toHaveLength(3);
  });
});
