import type { DataSource } from 'typeorm';
import { CalendarStore } from '../../activities/calendar/calendar-store';
import { CaseIndexRow } from '../../infra/database/entities';

/**
 * Index rows of the quarterly report's tests, with known working-day histories, for quarter
 * 2031Q1 of 叶县 (yexian-mz): counted after 2030-12-31 18:00 up to 2031-03-31 18:00 Beijing time.
 * Calendar: 2030 weekends only; 2031 with 3–5 March (Mon–Wed) holidays and Saturday 8 March a
 * make-up working day. Working days of March 2031: 6, 7, 8, 10–14, 17–21, 24–28, 31. Every
 * expected figure is counted by hand on that calendar ("after X up to Y": working days after X's
 * Beijing day, through Y's).
 */
export const QUARTER = '2031Q1';
export const JURISDICTION = 'yexian-mz';
export const OFFICE = '叶县民政局';
export const PROVIDER = '叶县民政局社会组织管理股';
export const MARKET = '叶县市场监督管理局';

type Row = Partial<CaseIndexRow> & Pick<CaseIndexRow, 'procedure' | 'caseId' | 'status' | 'receivedAt'>;
const d = (iso: string) => new Date(iso);
const STATUS_NAMES: Record<string, string> = {
  forwarded: '核查中',
  received: '已受理',
  closed: '已办结',
  'in-force': '履约中',
  kept: '已履约',
};

const objection = (over: Row): Row => ({
  caseNo: `YX-2031-${over.caseId}`,
  jurisdiction: JURISDICTION,
  officeDepartment: OFFICE,
  providerDepartment: PROVIDER,
  departments: [OFFICE, PROVIDER],
  ...over,
});
const commitment = (over: Row): Row => ({
  caseNo: `YX-CN-2031-${over.caseId}`,
  jurisdiction: JURISDICTION,
  officeDepartment: MARKET,
  providerDepartment: null,
  departments: [MARKET],
  ...over,
});

export const FIXTURE: Row[] = [
  // Open, overdue since the end of Fri 21 Mar: after 21 Mar up to 31 Mar = 24–28, 31 → 6 over.
  objection({
    procedure: 'objection',
    caseId: 'O1',
    status: 'forwarded',
    currentStep: 'verify',
    currentStepName: '信息提供单位核查答复',
    currentStepDepartment: PROVIDER,
    stepDueAt: d('2031-03-21T15:59:59.999Z'),
    overdue: true,
    escalationLevel: 1,
    receivedAt: d('2031-03-06T02:00:00.000Z'),
  }),
  // Open, overdue since the end of Fri 7 Mar: after 7 Mar up to 31 Mar = 8, 10–14, 17–21, 24–28,
  // 31 → 17 over; at the second level.
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
  // Open, due on 2 April: not overdue.
  objection({
    procedure: 'objection',
    caseId: 'O2',
    status: 'received',
    currentStep: 'forward',
    currentStepName: '转交信息提供单位',
    currentStepDepartment: OFFICE,
    stepDueAt: d('2031-04-02T15:59:59.999Z'),
    receivedAt: d('2031-03-28T02:00:00.000Z'),
  }),
  // Received in the last quarter, closed on 31 Dec at 19:00, after that quarter's cut-off: closed
  // in this one. After Sun 29 Dec up to Tue 31 Dec 2030 = 30, 31 → 2, on time.
  objection({
    procedure: 'objection',
    caseId: 'K0',
    status: 'closed',
    receivedAt: d('2030-12-29T02:00:00.000Z'),
    closedAt: d('2030-12-31T11:00:00.000Z'),
    metLimit: true,
  }),
  // After Thu 6 Mar up to Mon 10 Mar = 7, 8, 10 → 3, on time.
  objection({
    procedure: 'objection',
    caseId: 'K1',
    status: 'closed',
    receivedAt: d('2031-03-06T02:00:00.000Z'),
    closedAt: d('2031-03-10T02:00:00.000Z'),
    metLimit: true,
  }),
  // After Mon 10 Mar up to Fri 21 Mar = 11–14, 17–21 → 9, late (escalated once).
  objection({
    procedure: 'objection',
    caseId: 'K2',
    status: 'closed',
    receivedAt: d('2031-03-10T02:00:00.000Z'),
    closedAt: d('2031-03-21T02:00:00.000Z'),
    metLimit: false,
    escalationLevel: 1,
  }),
  // After Tue 11 Mar up to Wed 12 Mar → 1, on time.
  objection({
    procedure: 'objection',
    caseId: 'K3',
    status: 'closed',
    receivedAt: d('2031-03-11T02:00:00.000Z'),
    closedAt: d('2031-03-12T02:00:00.000Z'),
    metLimit: true,
  }),
  // After Thu 6 Mar up to Fri 7 Mar → 1, on time.
  commitment({
    procedure: 'commitment',
    caseId: 'K4',
    status: 'kept',
    receivedAt: d('2031-03-06T02:00:00.000Z'),
    closedAt: d('2031-03-07T02:00:00.000Z'),
    metLimit: true,
  }),
  // Closed on 31 Dec 2030 at 17:00, before the last quarter's cut-off: not of this quarter.
  objection({
    procedure: 'objection',
    caseId: 'P1',
    status: 'closed',
    receivedAt: d('2030-12-02T02:00:00.000Z'),
    closedAt: d('2030-12-31T09:00:00.000Z'),
    metLimit: true,
  }),
  // Closed on 31 Mar at 19:00, after the cut-off: of the quarter, still open at its end.
  objection({
    procedure: 'objection',
    caseId: 'N1',
    status: 'closed',
    receivedAt: d('2031-03-24T02:00:00.000Z'),
    closedAt: d('2031-03-31T11:00:00.000Z'),
    metLimit: true,
  }),
  // Received on 31 Mar at 20:00, after the cut-off: next quarter's.
  objection({
    procedure: 'objection',
    caseId: 'R1',
    status: 'received',
    stepDueAt: d('2031-04-03T15:59:59.999Z'),
    receivedAt: d('2031-03-31T12:00:00.000Z'),
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
    stepDueAt: d('2031-03-03T15:59:59.999Z'),
    overdue: true,
    escalationLevel: 1,
    receivedAt: d('2031-02-20T02:00:00.000Z'),
  },
];

/** Declares the fixture's calendar and inserts its index rows. */
export async function seedQuarterFixture(dataSource: DataSource): Promise<void> {
  const calendars = new CalendarStore(dataSource);
  await calendars.declareYear(2030, { holidays: [], makeupWorkdays: [], reason: '测试：仅周末休息' }, 'test');
  await calendars.declareYear(
    2031,
    {
      holidays: ['2031-03-03', '2031-03-04', '2031-03-05'],
      makeupWorkdays: ['2031-03-08'],
      reason: '测试用节假日安排',
    },
    'test',
  );
  await dataSource.getRepository(CaseIndexRow).insert(
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
      statusName: STATUS_NAMES[r.status],
      ...r,
    })),
  );
}
