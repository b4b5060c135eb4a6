import ExcelJS from 'exceljs';
import request from 'supertest';
import { CalendarStore } from '../../activities/calendar/calendar-store';
import { CaseIndexRow } from '../../infra/database/entities';
import { startTestApi, type TestApi } from '../support/api';

/**
 * The supervision board's figures on a fixture of index rows with known working-day histories.
 * The calendar of 2031 is declared here: 3–5 March (Mon–Wed) are holidays, Saturday 8 March is a
 * make-up working day. Working days of March 2031 therefore run: 6 Thu, 7 Fri, 8 Sat, 10 Mon,
 * 11 Tue, 12 Wed, 13 Thu, 14 Fri, 17 Mon … Every expected figure below is counted by hand on
 * that calendar ("after X up to Y" = working days after X's Beijing day, through Y's).
 */

const AT = '2031-03-12T02:00:00.000Z'; // Wednesday 12 March, 10:00 in Beijing
const JURISDICTION = 'yexian-mz';
const OFFICE = '叶县民政局';
const PROVIDER = '叶县民政局社会组织管理股';
const MARKET = '叶县市场监督管理局';

type Row = Partial<CaseIndexRow> & Pick<CaseIndexRow, 'procedure' | 'caseId' | 'status' | 'receivedAt'>;

const objection = (over: Row): Row => ({
  caseNo: `YX-2031-${over.caseId}`,
  jurisdiction: JURISDICTION,
  officeDepartment: OFFICE,
  providerDepartment: PROVIDER,
  departments: [OFFICE, PROVIDER],
  statusName: ({ forwarded: '核查中', received: '已受理', closed: '已办结' } as Record<string, string>)[
    over.status
  ],
  ...over,
});
const commitment = (over: Row): Row => ({
  caseNo: `YX-CN-2031-${over.caseId}`,
  jurisdiction: JURISDICTION,
  officeDepartment: MARKET,
  providerDepartment: null,
  departments: [MARKET],
  statusName: ({ 'in-force': '履约中', kept: '已履约' } as Record<string, string>)[over.status],
  ...over,
});
const d = (iso: string) => new Date(iso);

const FIXTURE: Row[] = [
  // Open, overdue since the end of Fri 28 Feb: after 28 Feb up to 12 Mar = 6, 7, 8, 10, 11, 12 → 6
  // (9 without the holidays). Received Thu 20 Feb: after 20 Feb up to 12 Mar = 21, 24–28 Feb (6)
  // and 6, 7, 8, 10, 11, 12 Mar (6) → 12 working days old (bucket 11–20).
  objection({
    procedure: 'objection',
    caseId: 'O1',
    status: 'forwarded',
    currentStep: 'verify',
    currentStepName: '信息提供单位核查答复',
    currentStepDepartment: PROVIDER,
    stepDueAt: d('2031-02-28T15:59:59.999Z'),
    overdue: true,
    escalationLevel: 1,
    receivedAt: d('2031-02-20T02:00:00.000Z'),
  }),
  // Open, due at the end of Thu 13 Mar (1 working day left); received Tue 11 Mar → 1 day old.
  objection({
    procedure: 'objection',
    caseId: 'O2',
    status: 'received',
    currentStep: 'forward',
    currentStepName: '转交信息提供单位',
    currentStepDepartment: OFFICE,
    stepDueAt: d('2031-03-13T15:59:59.999Z'),
    receivedAt: d('2031-03-11T02:00:00.000Z'),
  }),
  // Open, overdue since the end of Fri 7 Mar: after 7 Mar up to 12 Mar = 8, 10, 11, 12 → 4; at
  // the second level; received 6 Jan → more than 20 working days old.
  commitment({
    procedure: 'commitment',
    caseId: 'C1',
    status: 'in-force',
    currentStep: 'item-1',
    currentStepName: '补交材料：章程',
    currentStepDepartment: MARKET,
    stepDueAt: d('2031-03-07T15:59:59.999Z'),
    overdue: true,
    escalationLevel: 2,
    receivedAt: d('2031-01-06T02:00:00.000Z'),
  }),
  // Open, due at the end of Thu 20 Mar (the 6th working day after 12 Mar: 13, 14, 17, 18, 19, 20);
  // received on the holiday Mon 3 Mar: after 3 Mar up to 12 Mar = 6, 7, 8, 10, 11, 12 → 6 (6–10).
  commitment({
    procedure: 'commitment',
    caseId: 'C2',
    status: 'in-force',
    currentStep: 'verify',
    currentStepName: '事后核查',
    currentStepDepartment: MARKET,
    stepDueAt: d('2031-03-20T15:59:59.999Z'),
    receivedAt: d('2031-03-03T02:00:00.000Z'),
  }),
  // Closed in March 2031 (Beijing dates). K1: after Thu 27 Feb up to Thu 6 Mar = 28 Feb, 6 Mar → 2.
  objection({
    procedure: 'objection',
    caseId: 'K1',
    status: 'closed',
    receivedAt: d('2031-02-27T02:00:00.000Z'),
    closedAt: d('2031-03-06T02:00:00.000Z'),
    metLimit: true,
  }),
  // K2: after Mon 24 Feb up to Mon 10 Mar = 25, 26, 27, 28 Feb, 6, 7, 8, 10 Mar → 8.
  objection({
    procedure: 'objection',
    caseId: 'K2',
    status: 'closed',
    receivedAt: d('2031-02-24T02:00:00.000Z'),
    closedAt: d('2031-03-10T02:00:00.000Z'),
    metLimit: true,
  }),
  // K3, late: after Mon 17 Feb up to Wed 12 Mar = 18–21 Feb (4), 24–28 Feb (5), 6, 7, 8, 10, 11,
  // 12 Mar (6) → 15.
  objection({
    procedure: 'objection',
    caseId: 'K3',
    status: 'closed',
    receivedAt: d('2031-02-17T02:00:00.000Z'),
    closedAt: d('2031-03-12T01:00:00.000Z'),
    metLimit: false,
    escalationLevel: 1,
  }),
  // K4: closed at 00:30 on Sat 1 Mar in Beijing (still 28 Feb in UTC): in the period. After Wed
  // 26 Feb up to Sat 1 Mar = 27, 28 Feb → 2.
  objection({
    procedure: 'objection',
    caseId: 'K4',
    status: 'closed',
    receivedAt: d('2031-02-26T02:00:00.000Z'),
    closedAt: d('2031-02-28T16:30:00.000Z'),
    metLimit: true,
  }),
  // K5: closed at 00:30 on 1 Apr in Beijing: outside the period.
  objection({
    procedure: 'objection',
    caseId: 'K5',
    status: 'closed',
    receivedAt: d('2031-03-24T02:00:00.000Z'),
    closedAt: d('2031-03-31T16:30:00.000Z'),
    metLimit: true,
  }),
  // K6: after Thu 6 Mar up to Fri 7 Mar → 1.
  commitment({
    procedure: 'commitment',
    caseId: 'K6',
    status: 'kept',
    receivedAt: d('2031-03-06T02:00:00.000Z'),
    closedAt: d('2031-03-07T02:00:00.000Z'),
    metLimit: true,
  }),
  // Another jurisdiction's overdue case.
  {
    procedure: 'objection',
    caseId: 'X1',
    caseNo: 'XZ-2031-X1',
    jurisdiction: 'xinzheng-mz',
    officeDepartment: '新郑市民政局',
    providerDepartment: '新郑市市场监督管理局',
    departments: ['新郑市民政局', '新郑市市场监督管理局'],
    status: 'forwarded',
    statusName: '核查中',
    stepDueAt: d('2031-03-03T15:59:59.999Z'),
    overdue: true,
    escalationLevel: 1,
    receivedAt: d('2031-02-20T02:00:00.000Z'),
  },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** A CSV parsed back: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('supervision board (督查)', () => {
  let api: TestApi;
  const http = () => request(api.app.getHttpServer());
  const supervisor = (jurisdiction = JURISDICTION) =>
    api.auth(['supervisor'], { sub: `sup@${jurisdiction}`, jurisdiction });
  const caseworker = (department: string) => api.auth(['caseworker'], { department });
  const get = (path: string, who: Record<string, string>, query: Json = {}) =>
    http()
      .get(`/api/supervision/${path}`)
      .query({ at: AT, ...query })
      .set(who);

  beforeAll(async () => {
    api = await startTestApi();
    await new CalendarStore(api.dataSource).declareYear(
      2031,
      {
        holidays: ['2031-03-03', '2031-03-04', '2031-03-05'],
        makeupWorkdays: ['2031-03-08'],
        reason: '测试用节假日安排',
      },
      'test',
    );
    await api.dataSource.getRepository(CaseIndexRow).insert(
      FIXTURE.map((r) => ({
        providerDepartment: null,
        currentStep: null,
        currentStepName: null,
        currentStepDepartment: null,
        stepDueAt: null,
        overdue: false,
        escalationLevel: 0,
        closedAt: null,
        caseDueAt: null,
        metLimit: null,
        closedSteps: [],
        revision: 1,
        updatedAt: new Date(),
        ...r,
      })),
    );
  });
  afterAll(() => api.close());

  it('counts by procedure × department × status, a case counting for each department it involves', async () => {
    const res = await get('counts', supervisor()).expect(200);
    expect(res.body.total).toBe(10);
    expect(res.body.open).toBe(4);
    const counts = res.body.counts.map((c: Json) => [c.procedure, c.department, c.status, c.count]);
    expect(counts).toEqual(
      expect.arrayContaining([
        ['commitment', MARKET, 'in-force', 2],
        ['commitment', MARKET, 'kept', 1],
        ['objection', OFFICE, 'closed', 5],
        ['objection', OFFICE, 'forwarded', 1],
        ['objection', OFFICE, 'received', 1],
        ['objection', PROVIDER, 'closed', 5],
        ['objection', PROVIDER, 'forwarded', 1],
        ['objection', PROVIDER, 'received', 1],
      ]),
    );
    expect(counts).toHaveLength(8);
    expect(res.body.counts[0]).toMatchObject({ procedureName: '信用承诺', statusName: '履约中' });
    const narrowed = await get('counts', supervisor(), {
      procedure: 'commitment',
      status: 'in-force',
    }).expect(200);
    expect(narrowed.body).toMatchObject({ total: 2, counts: [{ department: MARKET, count: 2 }] });
  });

  it('lists the overdue cases with the working days they are over, holidays not counted', async () => {
    const res = await get('overdue', supervisor()).expect(200);
    expect(res.body.items.map((c: Json) => [c.caseNo, c.workingDaysOver, c.escalationLevel])).toEqual([
      ['YX-2031-O1', 6, 1],
      ['YX-CN-2031-C1', 4, 2],
    ]);
    expect(res.body.items[0]).toMatchObject({
      procedureName: '异议处理',
      currentStepName: '信息提供单位核查答复',
      ageWorkingDays: 12,
    });
  });

  it('lists what falls due within N working days', async () => {
    const within = async (n: number) =>
      (await get('due-soon', supervisor(), { dueWithin: n }).expect(200)).body.items.map(
        (c: Json) => c.caseNo,
      );
    expect(await within(0)).toEqual([]);
    expect(await within(1)).toEqual(['YX-2031-O2']);
    expect(await within(5)).toEqual(['YX-2031-O2']);
    expect(await within(6)).toEqual(['YX-2031-O2', 'YX-CN-2031-C2']);
    const res = await get('due-soon', supervisor(), { dueWithin: 6 }).expect(200);
    expect(res.body.until).toBe('2031-03-20T15:59:59.999Z');
    expect(res.body.items.map((c: Json) => c.workingDaysLeft)).toEqual([1, 6]);
  });

  it('buckets the open cases by working days since receipt', async () => {
    const res = await get('ageing', supervisor()).expect(200);
    expect(res.body.buckets).toEqual([
      { bucket: '0-5', name: '0–5个工作日', count: 1 },
      { bucket: '6-10', name: '6–10个工作日', count: 1 },
      { bucket: '11-20', name: '11–20个工作日', count: 1 },
      { bucket: '>20', name: '20个工作日以上', count: 1 },
    ]);
    const objections = res.body.byProcedure.find((p: Json) => p.procedure === 'objection');
    expect(objections.buckets.map((b: Json) => b.count)).toEqual([1, 0, 1, 0]);
  });

  it('asked about a day before some cases were received, counts those as new', async () => {
    const res = await get('ageing', supervisor(), { at: '2031-03-04T02:00:00.000Z' }).expect(200);
    // O1 (received 20 Feb): after 20 Feb up to the holiday 4 Mar = 21, 24–28 Feb → 6 (6–10); C1
    // more than 20; O2 (11 Mar) and C2 (3 Mar, up to 4 Mar: no working day) → 0–5.
    expect(res.body.buckets.map((b: Json) => b.count)).toEqual([2, 1, 0, 1]);
  });

  it('counts the open cases by escalation level', async () => {
    const res = await get('escalations', supervisor()).expect(200);
    expect(res.body).toMatchObject({
      total: 2,
      levels: [
        { level: 1, name: '督办（一级）', count: 1 },
        { level: 2, name: '升级督办（二级）', count: 1 },
      ],
    });
  });

  it('gives each department its closed cases, on-time rate, median and p90 working days for a period', async () => {
    const res = await get('departments', supervisor(), { from: '2031-03-01', to: '2031-03-31' }).expect(200);
    expect(res.body.closed).toBe(5); // K1–K4 and K6; K5 closed on 1 April (Beijing)
    const office = { closed: 4, closedOnTime: 3, onTimeRate: 0.75, medianWorkingDays: 5, p90WorkingDays: 15 };
    expect(res.body.departments).toEqual([
      { department: OFFICE, ...office },
      { department: PROVIDER, ...office },
      {
        department: MARKET,
        closed: 1,
        closedOnTime: 1,
        onTimeRate: 1,
        medianWorkingDays: 1,
        p90WorkingDays: 1,
      },
    ]);
    const february = await get('departments', supervisor(), { from: '2031-02-01', to: '2031-02-28' }).expect(
      200,
    );
    expect(february.body).toMatchObject({ closed: 0, departments: [] });
  });

  it('a supervisor of another jurisdiction sees none of these cases', async () => {
    const other = supervisor('yongchang');
    expect((await get('counts', other).expect(200)).body).toMatchObject({ total: 0, counts: [] });
    expect((await get('overdue', other).expect(200)).body.items).toEqual([]);
    expect((await get('cases', other).expect(200)).body.total).toBe(0);
    const xinzheng = await get('overdue', supervisor('xinzheng-mz')).expect(200);
    expect(xinzheng.body.items.map((c: Json) => c.caseNo)).toEqual(['XZ-2031-X1']);
  });

  it('a caseworker sees only the cases its department runs', async () => {
    const office = await get('cases', caseworker(OFFICE), { pageSize: 50 }).expect(200);
    expect(office.body.items.map((c: Json) => c.caseId).sort()).toEqual([
      'K1',
      'K2',
      'K3',
      'K4',
      'K5',
      'O1',
      'O2',
    ]);
    const market = await get('overdue', caseworker(MARKET)).expect(200);
    expect(market.body.items.map((c: Json) => c.caseId)).toEqual(['C1']);
    const figures = await get('departments', caseworker(MARKET), {
      from: '2031-03-01',
      to: '2031-03-31',
    }).expect(200);
    expect(figures.body.departments.map((x: Json) => x.department)).toEqual([MARKET]);
  });

  it('filters the case list by procedure, status, department, overdue and due-within', async () => {
    const ids = async (query: Json) =>
      (await get('cases', supervisor(), query).expect(200)).body.items.map((c: Json) => c.caseId);
    expect(await ids({ overdue: 'true' })).toEqual(['O1', 'C1']);
    expect(await ids({ procedure: 'commitment', overdue: 'false' })).toEqual(['C2', 'K6']);
    expect(await ids({ department: PROVIDER, status: 'received,forwarded' })).toEqual(['O1', 'O2']);
    expect(await ids({ dueWithin: 6, procedure: 'commitment' })).toEqual(['C2']);
    const page = await get('cases', supervisor(), { page: 2, pageSize: 4 }).expect(200);
    expect(page.body).toMatchObject({ total: 10, page: 2, pageSize: 4 });
    expect(page.body.items).toHaveLength(4);
  });

  it('exports the list as CSV: UTF-8 with BOM, Chinese headers, Beijing times', async () => {
    const res = await get('cases/export', supervisor(), { format: 'csv', overdue: 'true' })
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="cases.csv"/);
    const text = (res.body as Buffer).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header.slice(0, 3)).toEqual(['程序', '案件编号', '辖区']);
    const col = (row: string[], name: string) => row[header.indexOf(name)];
    expect(rows).toHaveLength(2);
    expect(col(rows[0], '案件编号')).toBe('YX-2031-O1');
    expect(col(rows[0], '涉及部门')).toBe(`${OFFICE}、${PROVIDER}`);
    expect(col(rows[0], '环节期限')).toBe('2031-02-28 23:59');
    expect(col(rows[0], '逾期工作日')).toBe('6');
    expect(col(rows[0], '是否逾期')).toBe('是');
    expect(col(rows[1], '程序')).toBe('信用承诺');
    expect(col(rows[1], '督办级别')).toBe('2');
  });

  it('exports the list as XLSX, readable back with the same rows', async () => {
    const res = await get('cases/export', supervisor(), {
      format: 'xlsx',
      procedure: 'objection',
      status: 'closed',
    })
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    const bytes = res.body as Buffer;
    // exceljs types its input as an ArrayBuffer-like Buffer: hand it the bytes' own ArrayBuffer.
    await workbook.xlsx.load(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
    );
    const sheet = workbook.getWorksheet('督查案件清单')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toContain('按期办结');
    const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) =>
      (sheet.getRow(i + 2).values as unknown[]).slice(1),
    );
    const col = (row: unknown[], name: string) => row[header.indexOf(name)];
    expect(rows.map((r) => col(r, '案件编号')).sort()).toEqual(
      ['K1', 'K2', 'K3', 'K4', 'K5'].map((k) => `YX-2031-${k}`),
    );
    const k3 = rows.find((r) => col(r, '案件编号') === 'YX-2031-K3')!;
    expect(col(k3, '按期办结')).toBe('否');
    expect(col(k3, '已用工作日')).toBe(15);
    expect(col(k3, '办结时间')).toBe('2031-03-12 09:00');
  });

  it('documents every board query with the schema it is validated with', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    const params = (path: string) =>
      doc.paths[`/api/supervision/${path}`].get.parameters as {
        name: string;
        required: boolean;
        schema: Json;
      }[];
    const param = (path: string, name: string) => params(path).find((p) => p.name === name);
    expect(param('departments', 'from')).toMatchObject({ required: true, schema: { type: 'string' } });
    expect(param('departments', 'to')).toMatchObject({ required: true });
    expect(param('cases/export', 'format')).toMatchObject({
      required: true,
      schema: { enum: ['csv', 'xlsx'] },
    });
    expect(param('cases', 'dueWithin')).toMatchObject({
      required: false,
      schema: { type: 'integer', maximum: 250 },
    });
    for (const path of ['counts', 'overdue', 'due-soon', 'ageing', 'escalations', 'departments', 'cases']) {
      expect(params(path).map((p) => p.name)).toEqual(
        expect.arrayContaining(['procedure', 'department', 'at']),
      );
      expect(doc.paths[`/api/supervision/${path}`].get['x-roles']).toEqual([
        'supervisor',
        'caseworker',
        'provider',
      ]);
    }
  });

  it('refuses malformed queries with 400 VALIDATION_FAILED in Chinese, and callers without a board role', async () => {
    const reversed = await get('departments', supervisor(), { from: '2031-03-31', to: '2031-03-01' }).expect(
      400,
    );
    expect(reversed.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(reversed.body.message).toContain('截止日期不能早于起始日期');
    const unknown = await get('counts', supervisor(), { procedure: 'objection,nothing' }).expect(400);
    expect(unknown.body.details.fields[0]).toMatchObject({ field: 'procedure' });
    expect(unknown.body.message).toMatch(/不是允许的取值/);
    await get('cases/export', supervisor(), { format: 'pdf' }).expect(400);
    await get('due-soon', supervisor(), { dueWithin: -1 }).expect(400);
    await get('counts', supervisor(), { status: 'DROP TABLE' }).expect(400);
    await get('counts', supervisor(), { unexpected: '1' }).expect(400);
    const far = await get('ageing', supervisor(), { at: '2999-01-01T00:00:00Z' }).expect(400);
    expect(far.body.message).toContain('2000-01-01 至 2098-12-31');
    // The last day of the range, 250 working days on: still inside the calendar.
    await get('due-soon', supervisor(), { at: '2098-12-31T15:00:00.000Z', dueWithin: 250 }).expect(200);
    await get('ageing', supervisor(), { at: '2000-01-01T00:00:00.000Z' }).expect(200);
    await get('departments', supervisor(), { from: '1900-01-01', to: '2031-03-31' }).expect(400);
    const garbled = await get('overdue', supervisor(), { at: 'not-a-time' }).expect(400);
    expect(garbled.body.details.fields[0]).toMatchObject({ field: 'at' });
    await get('counts', api.auth(['admin'])).expect(403);
    await http().get('/api/supervision/counts').expect(401);
  });
});
