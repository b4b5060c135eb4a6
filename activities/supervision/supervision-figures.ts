import {
  addWorkingDays,
  shanghaiDate,
  STATUTORY_YEAR_MAX,
  STATUTORY_YEAR_MIN,
  workingDaysBetween,
  type CalendarData,
} from '../../workflows/calendar';

/**
 * The board's figures as pure functions over index rows and the working-day calendar in force
 * (workflows/calendar: Asia/Shanghai, holidays and make-up days from the calendar store).
 */

/** What the figures read of a `case_index` row. */
export interface FigureRow {
  procedure: string;
  departments: string[];
  status: string;
  statusName: string;
  stepDueAt: Date | null;
  caseDueAt: Date | null;
  overdue: boolean;
  escalationLevel: number;
  receivedAt: Date;
  closedAt: Date | null;
  metLimit: boolean | null;
}

/** Calendar years the figures need: from the earliest instant's year to the year after the last. */
export function yearsOf(instants: (Date | string | null | undefined)[]): number[] {
  const years = instants
    .filter((i): i is Date | string => !!i)
    .map((i) => Number(shanghaiDate(typeof i === 'string' ? i : i.toISOString()).slice(0, 4)));
  if (years.length === 0) return [];
  // The calendar can compute 1901–2100 (statutory holidays); the board's queries stay inside it.
  const first = Math.max(STATUTORY_YEAR_MIN, Math.min(...years));
  const last = Math.min(STATUTORY_YEAR_MAX, Math.max(...years) + 1);
  return Array.from({ length: last - first + 1 }, (_, k) => first + k);
}

const iso = (d: Date | string) => (typeof d === 'string' ? d : d.toISOString());

/** Working days after `from` up to the Beijing day of `to` (0 on the same day). */
export function workingDays(from: Date | string, to: Date | string, calendar: CalendarData): number {
  return workingDaysBetween(iso(from), iso(to), calendar).workingDays;
}

/** The due instant N working days after `at` (end of that Beijing day). */
export function dueAfter(at: string, n: number, calendar: CalendarData): string {
  return addWorkingDays(at, n, calendar).due;
}

/**
 * How the figures count working days between two instants: on the calendar (walking its days,
 * `workingDays`), or with a counter of the same answers (the board's WorkingDayCounter).
 */
export type WorkingDaysCount = CalendarData | ((from: Date | string, to: Date | string) => number);

const countWith = (count: WorkingDaysCount) =>
  typeof count === 'function'
    ? count
    : (from: Date | string, to: Date | string) => workingDays(from, to, count);

/** The row's instants the working-day figures read. */
export type DueRow = Pick<FigureRow, 'stepDueAt' | 'caseDueAt' | 'overdue' | 'receivedAt' | 'closedAt'>;

/**
 * How many working days an overdue case is over at `at`: from its current step's due time, or the
 * whole case's when that is the one passed; 0 on the day it fell due.
 */
export function workingDaysOver(row: DueRow, at: string, count: WorkingDaysCount): number | null {
  if (row.closedAt || !row.overdue) return null;
  const passed = [row.stepDueAt, row.caseDueAt]
    .filter((d): d is Date => !!d && d.getTime() < Date.parse(at))
    .sort((a, b) => a.getTime() - b.getTime())[0];
  return passed ? Math.max(0, countWith(count)(passed, at)) : 0;
}

/** Working days left at `at` to the current step's due time (negative once passed). */
export function workingDaysLeft(row: DueRow, at: string, count: WorkingDaysCount): number | null {
  if (row.closedAt || !row.stepDueAt) return null;
  return countWith(count)(at, row.stepDueAt);
}

/** Age of a case in working days: received to closed, or to `at` while open. */
export function ageInWorkingDays(row: DueRow, at: string, count: WorkingDaysCount): number {
  return countWith(count)(row.receivedAt, row.closedAt ?? at);
}

/** Ageing buckets of open cases, in working days since receipt. */
export const AGEING_BUCKETS = [
  { key: '0-5', name: '0–5个工作日', min: 0, max: 5 },
  { key: '6-10', name: '6–10个工作日', min: 6, max: 10 },
  { key: '11-20', name: '11–20个工作日', min: 11, max: 20 },
  { key: '>20', name: '20个工作日以上', min: 21, max: Infinity },
] as const;

/** The bucket of an age; a case received after `at` (asked about the past) is counted as new. */
export function bucketOf(age: number): (typeof AGEING_BUCKETS)[number]['key'] {
  const days = Math.max(0, age);
  return AGEING_BUCKETS.find((b) => days >= b.min && days <= b.max)!.key;
}

/** The median (mean of the middle two for an even count); null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** The p-th percentile by nearest rank (the smallest value with at least p% at or below it). */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  return v[Math.max(0, Math.ceil((p / 100) * v.length) - 1)];
}

/** On-time rate as a fraction with 4 decimals; null when nothing closed. */
export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/** Departments in the order a Chinese reader looks them up (pinyin). */
export const byDepartmentName = (a: string, b: string) => a.localeCompare(b, 'zh-Hans-CN');

/** Escalation levels of the case kit, as supervisors name them. */
export const ESCALATION_NAMES: Record<1 | 2, string> = { 1: '督办（一级）', 2: '升级督办（二级）' };

/** One cell of the counts: cases of a procedure, a department and a status. */
export interface StatusCount {
  procedure: string;
  department: string;
  status: string;
  statusName: string;
  count: number;
}

/**
 * Counts by procedure × department × status: a case counts once for each department it involves
 * (only for `department` when the count is narrowed to one).
 */
export function countsByProcedureDepartmentStatus(
  rows: Pick<FigureRow, 'procedure' | 'departments' | 'status' | 'statusName'>[],
  department?: string,
): StatusCount[] {
  const counts = new Map<string, StatusCount>();
  for (const row of rows) {
    for (const d of department ? [department] : row.departments) {
      const key = JSON.stringify([row.procedure, d, row.status]);
      const c = counts.get(key) ?? {
        procedure: row.procedure,
        department: d,
        status: row.status,
        statusName: row.statusName,
        count: 0,
      };
      c.count++;
      counts.set(key, c);
    }
  }
  return [...counts.values()].sort(
    (a, b) =>
      a.procedure.localeCompare(b.procedure) ||
      byDepartmentName(a.department, b.department) ||
      a.status.localeCompare(b.status),
  );
}

/** A department's closings of a period. */
export interface DepartmentFigures {
  department: string;
  closed: number;
  closedOnTime: number;
  onTimeRate: number | null;
  medianWorkingDays: number | null;
  p90WorkingDays: number | null;
}

/**
 * Per department, over closed cases: how many, how many on time (the index's `metLimit`: every
 * staff step and the case within its limit), the on-time rate, and the median and 90th
 * percentile (nearest rank) of working days from receipt to closing.
 */
export function closedByDepartment(
  rows: Pick<FigureRow, 'departments' | 'receivedAt' | 'closedAt' | 'metLimit'>[],
  calendar: CalendarData,
  department?: string,
): DepartmentFigures[] {
  const per = new Map<string, { closed: number; onTime: number; days: number[] }>();
  for (const row of rows) {
    if (!row.closedAt) continue;
    const days = workingDays(row.receivedAt, row.closedAt, calendar);
    for (const d of department ? [department] : row.departments) {
      const figures = per.get(d) ?? { closed: 0, onTime: 0, days: [] };
      figures.closed++;
      if (row.metLimit) figures.onTime++;
      figures.days.push(days);
      per.set(d, figures);
    }
  }
  return [...per.entries()]
    .sort(([a], [b]) => byDepartmentName(a, b))
    .map(([d, f]) => ({
      department: d,
      closed: f.closed,
      closedOnTime: f.onTime,
      onTimeRate: rate(f.onTime, f.closed),
      medianWorkingDays: median(f.days),
      p90WorkingDays: percentile(f.days, 90),
    }));
}

/** A Beijing wall-clock time of an instant (YYYY-MM-DD HH:mm); '' for none. */
export function beijingTime(instant: string | null): string {
  if (!instant) return '';
  return new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
