import ExcelJS from 'exceljs';
import request from 'supertest';
import { CaseIndexRow } from '../../infra/database/entities';
import { startTestApi, type TestApi } from '../support/api';

/**
 * The quarterly reports' API: scope (a supervisor its own jurisdiction, the administrator every
 * one; a provider or caseworker none), idempotent production of a past quarter, the download.
 */

const A = 'yexian-mz';
const B = 'xinzheng-mz';
const PROVIDER = '叶县民政局社会组织管理股';
const QUARTER = '2026Q3';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('quarterly supervision reports API (督查季度报告)', () => {
  let api: TestApi;
  const http = () => request(api.app.getHttpServer());
  const supervisor = (jurisdiction: string) =>
    api.auth(['supervisor'], { sub: `sup@${jurisdiction}`, jurisdiction });
  const admin = () => api.auth(['admin']);
  const provider = () => api.auth(['provider'], { department: PROVIDER });
  let reportId: string;

  beforeAll(async () => {
    api = await startTestApi();
    // One overdue objection of A in the third quarter of 2026, still open at its cut-off.
    await api.dataSource.getRepository(CaseIndexRow).insert({
      procedure: 'objection',
      caseId: 'R-O1',
      caseNo: 'YX-2026-R-O1',
      jurisdiction: A,
      officeDepartment: '叶县民政局',
      providerDepartment: PROVIDER,
      departments: ['叶县民政局', PROVIDER],
      status: 'forwarded',
      statusName: '核查中',
      currentStep: 'verify',
      currentStepName: '信息提供单位核查答复',
      currentStepDepartment: PROVIDER,
      stepDueAt: new Date('2026-09-18T15:59:59.999Z'),
      overdue: true,
      escalationLevel: 1,
      receivedAt: new Date('2026-09-01T02:00:00.000Z'),
      closedAt: null,
      caseDueAt: null,
      metLimit: null,
      closedSteps: [],
      revision: 1,
      updatedAt: new Date(),
    });
  });
  afterAll(() => api.close());

  it('produces a past quarter’s report for the supervisor’s own jurisdiction, and answers the stored one the second time', async () => {
    const first = await http()
      .post('/api/supervision/reports')
      .set(supervisor(A))
      .send({ jurisdiction: A, quarter: QUARTER })
      .expect(201);
    expect(first.body).toMatchObject({
      created: true,
      report: { jurisdiction: A, quarter: QUARTER, final: true, producedBy: `sup@${A}` },
    });
    expect(first.body.report.countedUntil).toBe('2026-09-30T10:00:00.000Z');
    expect(first.body.report.figures.overdue.map((o: Json) => [o.caseNo, o.department])).toEqual([
      ['YX-2026-R-O1', PROVIDER],
    ]);
    reportId = first.body.report.id;

    const again = await http()
      .post('/api/supervision/reports')
      .set(supervisor(A))
      .send({ jurisdiction: A, quarter: QUARTER })
      .expect(200);
    expect(again.body).toMatchObject({ created: false, report: { id: reportId } });
  });

  it('lists and shows it to its supervisors and the administrator, downloads the XLSX naming the overdue case', async () => {
    const own = await http().get('/api/supervision/reports').set(supervisor(A)).expect(200);
    expect(own.body.items.map((r: Json) => r.id)).toEqual([reportId]);
    const all = await http().get('/api/supervision/reports').set(admin()).expect(200);
    expect(all.body.items.map((r: Json) => r.id)).toContain(reportId);
    const detail = await http().get(`/api/supervision/reports/${reportId}`).set(admin()).expect(200);
    expect(detail.body.figures.totals).toMatchObject({ cases: 1, openAtEnd: 1, overdue: 1 });

    const file = await http()
      .get(`/api/supervision/reports/${reportId}/xlsx`)
      .set(supervisor(A))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(file.headers['content-type']).toContain('spreadsheetml');
    expect(file.headers['content-disposition']).toContain(
      encodeURIComponent(`督查季度报告-${A}-${QUARTER}.xlsx`),
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.body as ArrayBuffer);
    const overdue = workbook.getWorksheet('逾期案件')!;
    expect(overdue.getRow(2).getCell(1).value).toBe('YX-2026-R-O1');
    expect(overdue.getRow(2).getCell(6).value).toBe(detail.body.figures.overdue[0].workingDaysOver);
  });

  it('answers 404 for another jurisdiction’s report or an unknown one, and refuses to produce another jurisdiction’s', async () => {
    const foreign = await http().get('/api/supervision/reports').set(supervisor(B)).expect(200);
    expect(foreign.body.items).toEqual([]);
    for (const path of [
      `/api/supervision/reports/${reportId}`,
      `/api/supervision/reports/${reportId}/xlsx`,
    ]) {
      const res = await http().get(path).set(supervisor(B)).expect(404);
      expect(res.body).toEqual({
        code: 'SUPERVISION_REPORT_NOT_FOUND',
        message: expect.stringMatching(/未找到该季度报告/),
      });
    }
    const unknown = await http()
      .get('/api/supervision/reports/7b0c0c59-2b8e-4d8f-9a55-0f6f3f0d2c11')
      .set(supervisor(A))
      .expect(404);
    expect(unknown.body.code).toBe('SUPERVISION_REPORT_NOT_FOUND');
    const produce = await http()
      .post('/api/supervision/reports')
      .set(supervisor(B))
      .send({ jurisdiction: A, quarter: QUARTER })
      .expect(404);
    expect(produce.body.code).toBe('SUPERVISION_REPORT_JURISDICTION_NOT_FOUND');
  });

  it('forbids providers (403), refuses a quarter not begun (422) and a malformed one (400)', async () => {
    await http().get('/api/supervision/reports').set(provider()).expect(403);
    await http().get(`/api/supervision/reports/${reportId}`).set(provider()).expect(403);
    await http().get(`/api/supervision/reports/${reportId}/xlsx`).set(provider()).expect(403);
    await http()
      .post('/api/supervision/reports')
      .set(provider())
      .send({ jurisdiction: A, quarter: QUARTER })
      .expect(403);
    const future = await http()
      .post('/api/supervision/reports')
      .set(supervisor(A))
      .send({ jurisdiction: A, quarter: '2098Q4' })
      .expect(422);
    expect(future.body).toMatchObject({
      code: 'SUPERVISION_REPORT_QUARTER_NOT_BEGUN',
      message: expect.stringMatching(/尚未开始/),
    });
    const malformed = await http()
      .post('/api/supervision/reports')
      .set(supervisor(A))
      .send({ jurisdiction: A, quarter: '2026Q5' })
      .expect(400);
    expect(malformed.body.code).toBe('VALIDATION_FAILED');
  });
});
