import ExcelJS from 'exceljs';
import type { DataSource } from 'typeorm';
import { CASE_PROCEDURES } from '../../activities';
import { LogNotificationAdapter } from '../../activities/notifications/adapters';
import { createNotificationActivities } from '../../activities/notifications/notifications';
import { createSupervisionActivities } from '../../activities/supervision/quarterly-report';
import { openDatabase } from '../../infra/database/data-source';
import { Notification } from '../../infra/database/entities';
import { QuarterlyReport } from '../../infra/database/entities/supervision/quarterly-report.entity';
import { createTestDatabase } from '../support/database';
import {
  JURISDICTION,
  MARKET,
  OFFICE,
  PROVIDER,
  QUARTER,
  seedQuarterFixture,
} from '../support/quarterly-report-fixture';

const AFTER_QUARTER = Date.parse('2031-04-02T01:00:00.000Z');

describe('quarterly supervision report (新郑 八(三)): figures, XLSX, one per jurisdiction and quarter', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  const activitiesAt = (now: number) =>
    createSupervisionActivities({
      dataSource,
      procedures: CASE_PROCEDURES,
      notify: createNotificationActivities({
        dataSource,
        adapters: {},
        fallback: new LogNotificationAdapter(() => undefined),
      }).notify,
      now: () => now,
    });
  const stored = (jurisdiction: string, quarter: string) =>
    dataSource
      .getRepository(QuarterlyReport)
      .createQueryBuilder('r')
      .addSelect('r.xlsx')
      .where({ jurisdiction, quarter })
      .getOneOrFail();

  beforeAll(async () => {
    db = await createTestDatabase('qreport');
    dataSource = await openDatabase(db.url);
    await seedQuarterFixture(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('counts the quarter up to its cut-off (31 March 18:00 Beijing): totals, counts, departments, overdue named, escalations', async () => {
    const produced = await activitiesAt(AFTER_QUARTER).produceQuarterlyReport({
      jurisdiction: JURISDICTION,
      quarter: QUARTER,
      producedBy: 'schedule',
    });
    expect(produced).toMatchObject({
      jurisdiction: JURISDICTION,
      quarter: QUARTER,
      final: true,
      created: true,
    });
    const { figures, periodFrom, countedUntil } = await stored(JURISDICTION, QUARTER);
    expect(periodFrom.toISOString()).toBe('2030-12-31T10:00:00.000Z');
    expect(countedUntil.toISOString()).toBe('2031-03-31T10:00:00.000Z');
    expect(figures.deadline).toBe('2031-03-31T16:00:00.000Z');
    // Of the quarter: O1 C1 O2 K0 K1 K2 K3 K4 N1 (not P1, closed before; R1, received after; X1).
    expect(figures.totals).toEqual({ cases: 9, received: 8, closed: 5, openAtEnd: 4, overdue: 2 });
    expect(figures.counts.map((c) => [c.procedure, c.department, c.status, c.count])).toEqual([
      ['commitment', MARKET, 'in-force', 1],
      ['commitment', MARKET, 'kept', 1],
      ['objection', OFFICE, 'closed', 5],
      ['objection', OFFICE, 'forwarded', 1],
      ['objection', OFFICE, 'received', 1],
      ['objection', PROVIDER, 'closed', 5],
      ['objection', PROVIDER, 'forwarded', 1],
      ['objection', PROVIDER, 'received', 1],
    ]);
    // Closed in the period: K0 (2 days), K1 (3), K2 (9, late), K3 (1) for the office and the
    // provider; K4 (1) for the market authority. Median of 1, 2, 3, 9 = 2.5; p90 nearest rank = 9.
    const office = {
      closed: 4,
      closedOnTime: 3,
      onTimeRate: 0.75,
      medianWorkingDays: 2.5,
      p90WorkingDays: 9,
    };
    expect(figures.departments).toEqual([
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
    expect(figures.overdue.map((o) => [o.caseNo, o.procedure, o.department, o.workingDaysOver])).toEqual([
      ['YX-CN-2031-C1', 'commitment', MARKET, 17],
      ['YX-2031-O1', 'objection', PROVIDER, 6],
    ]);
    expect(figures.escalations.levels.map((l) => [l.level, l.count])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(figures.escalations.byProcedure.map((p) => [p.procedure, p.level, p.count])).toEqual([
      ['commitment', 2, 1],
      ['objection', 1, 2],
    ]);
  });

  it('writes an XLSX that opens with exceljs and names the overdue cases with their working days over', async () => {
    const { xlsx } = await stored(JURISDICTION, QUARTER);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      '概况',
      '案件统计',
      '部门办结情况',
      '逾期案件',
      '督办情况',
    ]);
    const rows = (name: string) =>
      (workbook.getWorksheet(name)!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(rows('逾期案件')).toEqual([
      ['案件编号', '程序', '责任部门', '当前环节', '期限', '逾期工作日', '督办级别'],
      ['YX-CN-2031-C1', '信用承诺', MARKET, '补交材料：章程', '2031-03-07 23:59', 17, 2],
      ['YX-2031-O1', '异议处理', PROVIDER, '信息提供单位核查答复', '2031-03-21 23:59', 6, 1],
    ]);
    expect(rows('部门办结情况')[1]).toEqual([OFFICE, 4, 3, '75.00%', 2.5, 9]);
    expect(rows('概况')).toContainEqual(['统计截止', '2031-03-31 18:00']);
  });

  it('is idempotent: a retry answers the stored report, one row and one notification to the supervisors', async () => {
    const first = await stored(JURISDICTION, QUARTER);
    const again = await activitiesAt(AFTER_QUARTER + 3_600_000).produceQuarterlyReport({
      jurisdiction: JURISDICTION,
      quarter: QUARTER,
      producedBy: 'schedule',
    });
    expect(again).toMatchObject({ id: first.id, created: false, final: true });
    expect(await dataSource.getRepository(QuarterlyReport).countBy({ jurisdiction: JURISDICTION })).toBe(1);
    const notices = await dataSource
      .getRepository(Notification)
      .findBy({ kind: 'supervision.quarterly-report.ready', recipient: `supervisors@${JURISDICTION}` });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ channel: 'internal', status: 'sent' });
    expect(notices[0].title).toBe('叶县民政局2031年第1季度督查报告已生成');
    expect(notices[0].body).toContain('截止时逾期 2 件');
  });

  it('a report asked for before the cut-off is provisional (counted up to then) and the scheduled one replaces it once', async () => {
    const midQuarter = Date.parse('2031-03-11T04:00:00.000Z'); // Tue 11 March, 12:00 Beijing
    const early = await activitiesAt(midQuarter).produceQuarterlyReport({
      jurisdiction: 'xinzheng-mz',
      quarter: QUARTER,
      producedBy: 'sup@xinzheng-mz',
    });
    expect(early).toMatchObject({ final: false, created: true });
    const provisional = await stored('xinzheng-mz', QUARTER);
    expect(provisional.countedUntil.toISOString()).toBe('2031-03-11T04:00:00.000Z');
    // X1: overdue since the end of Mon 3 Mar (a holiday): after 3 Mar up to 11 Mar = 6, 7, 8, 10, 11 → 5.
    expect(provisional.figures.overdue.map((o) => [o.caseNo, o.workingDaysOver])).toEqual([
      ['XZ-2031-X1', 5],
    ]);

    const again = await activitiesAt(midQuarter + 60_000).produceQuarterlyReport({
      jurisdiction: 'xinzheng-mz',
      quarter: QUARTER,
      producedBy: 'schedule',
    });
    expect(again).toMatchObject({ id: early.id, final: false, created: false });

    const final = await activitiesAt(AFTER_QUARTER).produceQuarterlyReport({
      jurisdiction: 'xinzheng-mz',
      quarter: QUARTER,
      producedBy: 'schedule',
    });
    expect(final).toMatchObject({ id: early.id, final: true, created: true });
    const replaced = await stored('xinzheng-mz', QUARTER);
    // After 3 Mar up to 31 Mar = 6, 7, 8, 10–14, 17–21, 24–28, 31 → 19.
    expect(replaced.figures.overdue.map((o) => [o.caseNo, o.workingDaysOver])).toEqual([['XZ-2031-X1', 19]]);
    expect(replaced.producedBy).toBe('schedule');
  });

  it('refuses, without retrying, a quarter that has not begun and a jurisdiction outside the directory', async () => {
    const activities = activitiesAt(AFTER_QUARTER);
    await expect(
      activities.produceQuarterlyReport({ jurisdiction: JURISDICTION, quarter: '2031Q3', producedBy: 'x' }),
    ).rejects.toMatchObject({ nonRetryable: true, type: 'SUPERVISION_REPORT_QUARTER_NOT_BEGUN' });
    await expect(
      activities.produceQuarterlyReport({ jurisdiction: 'atlantis', quarter: QUARTER, producedBy: 'x' }),
    ).rejects.toMatchObject({ nonRetryable: true, type: 'SUPERVISION_REPORT_UNKNOWN_JURISDICTION' });
  });
});
